// The bundled contract, indexed for checking traffic: operations (params, responses, headers, media),
// webhooks, stream messages by direction and close codes. Validators come from @kallglot/spec/validators.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  compileAsyncApi,
  compileOpenApi,
  escapePointer as esc,
  HTTP_METHODS,
  locate,
  type ValidateFunction,
} from '@kallglot/spec/validators';

/* eslint-disable @typescript-eslint/no-explicit-any -- the documents are untyped JSON */
export type Json = any;

export interface HeaderSpec {
  required: boolean;
  schemaPointer?: string;
  schema?: Json;
}
export interface ResponseSpec {
  pointer: string;
  headers: Record<string, HeaderSpec>;
  content: Record<string, { schemaPointer?: string }>;
}
export interface Operation {
  operationId: string;
  method: string;
  path: string;
  pointer: string;
  op: Json;
  params: Json[];
  responses: Record<string, ResponseSpec>;
  requestBody?: { pointer: string; content: Record<string, { schemaPointer?: string }>; required: boolean };
  secured: boolean;
  /** Matches a concrete request path; groups are the path parameters in order. */
  matcher: RegExp;
}
export interface Message {
  type: string;
  payloadPointer: string;
}
export interface Contract {
  openapi: Json;
  asyncapi: Json;
  operations: Operation[];
  byId: Map<string, Operation>;
  webhooks: Map<string, { name: string; params: Json[]; schemaPointer?: string; pointer: string }>;
  serverMessages: Map<string, Message>;
  clientMessages: Map<string, Message>;
  closeCodes: Map<number, string>;
  /** Largest stream frame the AsyncAPI allows (x-kallglot-max-payload-bytes), 64 KiB when absent. */
  maxFrameBytes: number;
  openapiValidator(pointer: string): ValidateFunction;
  messageValidator(type: string, direction?: 'server' | 'client'): ValidateFunction | undefined;
  resolve(node: Json): Json;
  /** The operation a concrete method + path belongs to. */
  match(method: string, pathname: string): Operation | undefined;
}

export interface SpecPaths {
  openapi: string;
  asyncapi: string;
}

export function defaultSpecPaths(): SpecPaths {
  const require = createRequire(import.meta.url);
  return { openapi: require.resolve('@kallglot/spec/openapi.json'), asyncapi: require.resolve('@kallglot/spec/asyncapi.json') };
}

const cache = new Map<string, Contract>();

export function loadContract(paths: SpecPaths = defaultSpecPaths()): Contract {
  const key = `${paths.openapi}\0${paths.asyncapi}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const openapi = JSON.parse(readFileSync(paths.openapi, 'utf8'));
  const asyncapi = JSON.parse(readFileSync(paths.asyncapi, 'utf8'));
  const oa = compileOpenApi(openapi);
  const aa = compileAsyncApi(asyncapi);
  const operations = operationsOf(openapi);
  const serverMessages = new Map<string, Message>();
  const clientMessages = new Map<string, Message>();
  for (const m of aa.messages.values()) {
    if (m.directions.has('server')) serverMessages.set(m.type, { type: m.type, payloadPointer: m.payloadPointer });
    if (m.directions.has('client')) clientMessages.set(m.type, { type: m.type, payloadPointer: m.payloadPointer });
  }
  const contract: Contract = {
    openapi,
    asyncapi,
    operations,
    byId: new Map(operations.map((x) => [x.operationId, x])),
    webhooks: webhooksOf(openapi),
    serverMessages,
    clientMessages,
    ...channelLimits(asyncapi),
    openapiValidator: (pointer) => oa.at(pointer),
    messageValidator: (type, direction) => aa.message(type, direction),
    resolve: (node) => (node && typeof node.$ref === 'string' ? locate(openapi, node.$ref).node : node),
    match: (method, pathname) => operations.find((o) => o.method === method.toUpperCase() && o.matcher.test(pathname)),
  };
  cache.set(key, contract);
  return contract;
}

const withPointer = (openapi: Json, p: string) => {
  const { node, pointer } = locate(openapi, p);
  return { ...node, pointer };
};

function operationsOf(openapi: Json): Operation[] {
  const operations: Operation[] = [];
  for (const path of Object.keys(openapi.paths ?? {})) {
    const { node: item, pointer: itemPtr } = locate(openapi, `/paths/${esc(path)}`);
    for (const method of HTTP_METHODS) {
      const op = item?.[method];
      if (!op) continue;
      const opPtr = `${itemPtr}/${method}`;
      const params = [
        ...(item.parameters ?? []).map((_: unknown, i: number) => `${itemPtr}/parameters/${i}`),
        ...(op.parameters ?? []).map((_: unknown, i: number) => `${opPtr}/parameters/${i}`),
      ].map((p) => withPointer(openapi, p));
      const rb = op.requestBody ? locate(openapi, `${opPtr}/requestBody`) : undefined;
      const security = op.security ?? openapi.security ?? [];
      operations.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        pointer: opPtr,
        op,
        params,
        responses: responsesOf(openapi, op, opPtr),
        requestBody: rb?.node ? { pointer: rb.pointer, content: contentOf(rb.node, rb.pointer), required: !!rb.node.required } : undefined,
        secured: security.length > 0 && !security.some((s: object) => Object.keys(s).length === 0),
        matcher: new RegExp(`^${path.split(/\{[^}]+\}/).map(escapeRe).join('([^/]+)')}/?$`),
      });
    }
  }
  return operations;
}

function responsesOf(openapi: Json, op: Json, opPtr: string): Record<string, ResponseSpec> {
  const responses: Record<string, ResponseSpec> = {};
  for (const status of Object.keys(op.responses ?? {})) {
    const { node: res, pointer: resPtr } = locate(openapi, `${opPtr}/responses/${esc(status)}`);
    const headers: Record<string, HeaderSpec> = {};
    for (const name of Object.keys(res?.headers ?? {})) {
      const { node: h, pointer: hPtr } = locate(openapi, `${resPtr}/headers/${esc(name)}`);
      headers[name] = { required: !!h?.required, schemaPointer: h?.schema ? `${hPtr}/schema` : undefined, schema: h?.schema };
    }
    responses[status] = { pointer: resPtr, headers, content: contentOf(res, resPtr) };
  }
  return responses;
}

function webhooksOf(openapi: Json): Contract['webhooks'] {
  const webhooks: Contract['webhooks'] = new Map();
  for (const name of Object.keys(openapi.webhooks ?? {})) {
    const { node: item, pointer: itemPtr } = locate(openapi, `/webhooks/${esc(name)}`);
    const op = item?.post;
    if (!op) continue;
    const opPtr = `${itemPtr}/post`;
    const params = (op.parameters ?? []).map((_: unknown, i: number) => withPointer(openapi, `${opPtr}/parameters/${i}`));
    const { node: body, pointer: bodyPtr } = locate(openapi, `${opPtr}/requestBody`);
    const schemaPointer = body?.content?.['application/json']?.schema ? `${bodyPtr}/content/application~1json/schema` : undefined;
    webhooks.set(name, { name, params, schemaPointer, pointer: opPtr });
  }
  return webhooks;
}

function channelLimits(asyncapi: Json): { closeCodes: Map<number, string>; maxFrameBytes: number } {
  const closeCodes = new Map<number, string>();
  let maxFrameBytes = 64 * 1024;
  for (const ch of Object.values<Json>(asyncapi.channels ?? {})) {
    for (const c of ch?.['x-kallglot-close-codes'] ?? []) closeCodes.set(Number(c.code), c.name ?? String(c.code));
    const max = Number(ch?.['x-kallglot-max-payload-bytes']);
    if (Number.isFinite(max) && max > 0) maxFrameBytes = max;
  }
  return { closeCodes, maxFrameBytes };
}

function contentOf(node: Json, pointer: string): Record<string, { schemaPointer?: string }> {
  const out: Record<string, { schemaPointer?: string }> = {};
  for (const media of Object.keys(node?.content ?? {})) {
    out[media] = { schemaPointer: node.content[media].schema ? `${pointer}/content/${esc(media)}/schema` : undefined };
  }
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
