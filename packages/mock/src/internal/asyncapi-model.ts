// Index over the bundled AsyncAPI document: one compiled validator per wire `type`, examples, close codes.
import type { ValidateFunction } from 'ajv';
import { compileAsyncApi, deref, escapePointer as ptr, locate } from '@kallglot/spec/ajv';
import type { Json, JsonObject } from './schema.js';

export const CLIENT_TYPES = ['audio.input', 'ping', 'session.end'] as const;
export const SERVER_TYPES = ['session.ready', 'transcript.partial', 'transcript.final', 'pong', 'session.ended', 'session.error'] as const;

export interface MessageSpec {
  type: string;
  name: string;
  schema: JsonObject;
  validate: ValidateFunction;
  example?: JsonObject;
}

export interface AsyncApiModel {
  doc: JsonObject;
  messages: Map<string, MessageSpec>;
  /** Close code by name (`token_invalid` → 4001), from `x-kallglot-close-codes`, falling back to CONTRIBUTING's table. */
  closeCodes: Map<string, number>;
  /** Enum of `session.error` codes if the schema has one. */
  errorCodes: string[];
  /** Schema of the `audio.input` payload string (maxLength/pattern), checked by hand for speed. */
  audioPayloadSchema?: JsonObject;
  /** `x-kallglot-max-payload-bytes` (frame size limit) when the document states it. */
  maxPayloadBytes?: number;
  /** `x-kallglot-keepalive.server_idle_timeout_ms`: the server closes with 4008 after this much client silence. */
  serverIdleTimeoutMs?: number;
  resolve(node: unknown): JsonObject;
  /** The properties a schema declares, its `allOf` members' included (the turn fields are shared that way). */
  properties(node: unknown): JsonObject;
}

const DEFAULT_CLOSE_CODES: Record<string, number> = {
  normal_closure: 1000,
  going_away: 1001,
  message_too_big: 1009,
  internal_error: 1011,
  try_again_later: 1013,
  token_invalid: 4001,
  token_expired: 4002,
  session_not_found: 4004,
  keepalive_timeout: 4008,
  session_ended: 4009,
  rate_limited: 4029,
};

function typeConst(doc: JsonObject, schema: JsonObject | undefined): string | undefined {
  const props = schema?.properties as JsonObject | undefined;
  const t = props?.type ? deref<JsonObject>(doc, props.type) : undefined;
  if (!t) {
    // allOf-composed payloads: look into the parts.
    for (const part of (schema?.allOf ?? []) as Json[]) {
      const found = typeConst(doc, deref<JsonObject>(doc, part));
      if (found) return found;
    }
    return undefined;
  }
  if (typeof t.const === 'string') return t.const;
  if (Array.isArray(t.enum) && t.enum.length === 1 && typeof t.enum[0] === 'string') return t.enum[0];
  return undefined;
}

/** One message spec per `type` constant, from components and channels (validators point where it lives). */
function collectMessages(doc: JsonObject, at: (pointer: string) => ValidateFunction): Map<string, MessageSpec> {
  const messages = new Map<string, MessageSpec>();
  const consider = (name: string, msgPtr: string) => {
    // Follow $ref chains to find where the message really lives (validators point there).
    const rawMsg = locate(doc, msgPtr) as { node: JsonObject | undefined; pointer: string };
    if (!rawMsg.node || !rawMsg.node.payload) return;
    let payloadPtr = `${rawMsg.pointer}/payload`;
    let payload = deref<JsonObject>(doc, rawMsg.node.payload);
    // AsyncAPI 3 multi-format schema: { schemaFormat, schema }.
    if (payload && payload.schema && payload.schemaFormat) {
      payloadPtr = `${payloadPtr}/schema`;
      payload = deref<JsonObject>(doc, payload.schema);
    }
    const type = typeConst(doc, payload);
    if (!type || messages.has(type)) return;
    let example: JsonObject | undefined;
    const exs = rawMsg.node.examples as JsonObject[] | undefined;
    if (Array.isArray(exs) && exs[0] && typeof exs[0].payload === 'object') example = exs[0].payload as JsonObject;
    else if (Array.isArray(payload.examples) && payload.examples[0] && typeof payload.examples[0] === 'object') example = payload.examples[0] as JsonObject;
    messages.set(type, { type, name, schema: payload, validate: at(payloadPtr), example });
  };
  const comps = ((doc.components as JsonObject | undefined)?.messages ?? {}) as JsonObject;
  for (const name of Object.keys(comps)) consider(name, `#/components/messages/${ptr(name)}`);
  for (const [cName, ch] of Object.entries((doc.channels ?? {}) as JsonObject)) {
    const chan = deref<JsonObject>(doc, ch);
    for (const mName of Object.keys((chan?.messages ?? {}) as JsonObject)) consider(mName, `#/channels/${ptr(cName)}/messages/${ptr(mName)}`);
  }
  return messages;
}

/** Close codes by name: the defaults, overridden by the document's `x-kallglot-close-codes` (list or map). */
function closeCodesOf(doc: JsonObject): Map<string, number> {
  const closeCodes = new Map<string, number>(Object.entries(DEFAULT_CLOSE_CODES));
  const found = findKey(doc, 'x-kallglot-close-codes');
  if (Array.isArray(found)) {
    for (const c of found as JsonObject[]) if (c && typeof c.code === 'number' && typeof c.name === 'string') closeCodes.set(c.name, c.code);
    return closeCodes;
  }
  if (!found || typeof found !== 'object') return closeCodes;
  for (const [k, v] of Object.entries(found as JsonObject)) {
    if (/^\d+$/.test(k) && v && typeof v === 'object' && typeof (v as JsonObject).name === 'string') closeCodes.set(String((v as JsonObject).name), Number(k));
    else if (/^\d+$/.test(k) && typeof v === 'string') closeCodes.set(v, Number(k));
    else if (typeof v === 'number') closeCodes.set(k, v);
    else if (v && typeof v === 'object' && typeof (v as JsonObject).code === 'number') closeCodes.set(k, Number((v as JsonObject).code));
  }
  return closeCodes;
}

/** The `code` values a `session.error` may carry (enum, anyOf/oneOf alternatives, nested `error`, allOf members). */
function errorCodesOf(doc: JsonObject, errSchema: JsonObject | undefined): string[] {
  const errorCodes: string[] = [];
  const collectEnum = (s: JsonObject | undefined, depth = 0) => {
    if (!s || depth > 6) return;
    const props = (s.properties ?? {}) as JsonObject;
    const code = props.code ? deref<JsonObject>(doc, props.code) : undefined;
    if (code) {
      for (const v of (code.enum ?? []) as Json[]) if (typeof v === 'string') errorCodes.push(v);
      for (const alt of (code.anyOf ?? code.oneOf ?? []) as Json[]) {
        const a = deref<JsonObject>(doc, alt);
        for (const v of (a?.enum ?? []) as Json[]) if (typeof v === 'string') errorCodes.push(v);
        if (typeof a?.const === 'string') errorCodes.push(a.const);
      }
    }
    if (props.error) collectEnum(deref<JsonObject>(doc, props.error), depth + 1);
    for (const part of (s.allOf ?? []) as Json[]) collectEnum(deref<JsonObject>(doc, part), depth + 1);
  };
  collectEnum(errSchema);
  return errorCodes;
}

export function buildAsyncApiModel(doc: JsonObject): AsyncApiModel {
  const { at } = compileAsyncApi(doc);
  const messages = collectMessages(doc, at);
  const audio = messages.get('audio.input')?.schema;
  const audioObj = audio ? deref<JsonObject>(doc, (audio.properties as JsonObject | undefined)?.audio) : undefined;
  const maxPayload = findKey(doc, 'x-kallglot-max-payload-bytes');
  const keepalive = findKey(doc, 'x-kallglot-keepalive') as JsonObject | undefined;
  const idle = keepalive && typeof keepalive === 'object' ? keepalive.server_idle_timeout_ms : undefined;
  return {
    doc,
    messages,
    closeCodes: closeCodesOf(doc),
    errorCodes: errorCodesOf(doc, messages.get('session.error')?.schema),
    audioPayloadSchema: audioObj ? deref<JsonObject>(doc, (audioObj.properties as JsonObject | undefined)?.payload) : undefined,
    maxPayloadBytes: typeof maxPayload === 'number' ? maxPayload : undefined,
    serverIdleTimeoutMs: typeof idle === 'number' ? idle : undefined,
    resolve: (n) => deref<JsonObject>(doc, n),
    properties: (n) => collectProperties(doc, n, 0),
  };
}

function collectProperties(doc: JsonObject, node: unknown, depth: number): JsonObject {
  const schema = deref<JsonObject>(doc, node);
  if (!schema || typeof schema !== 'object' || depth > 8) return {};
  const out: JsonObject = {};
  for (const member of (Array.isArray(schema.allOf) ? schema.allOf : []) as Json[]) Object.assign(out, collectProperties(doc, member, depth + 1));
  return Object.assign(out, (schema.properties ?? {}) as JsonObject);
}

function findKey(node: Json | undefined, key: string, depth = 0): Json | undefined {
  if (!node || typeof node !== 'object' || depth > 12) return undefined;
  if (!Array.isArray(node) && key in node) return (node as JsonObject)[key];
  for (const v of Array.isArray(node) ? node : Object.values(node)) {
    const r = findKey(v, key, depth + 1);
    if (r !== undefined) return r;
  }
  return undefined;
}
