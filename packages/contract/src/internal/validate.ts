// Checks one HTTP request, one HTTP response or one stream frame against the contract. Shared by the suite
// (each finding becomes a check) and the proxy (failed findings become violations).
import type { ValidateFunction } from '@kallglot/spec/validators';
import type { Contract, Json, Operation } from './contract.js';
import { applyWaivers, describeErrors, isInferredError, type Waiver } from './errors.js';
import { parseJsonBounded } from '@kallglot/spec/json-limits';

export interface Finding {
  name: string;
  ok: boolean;
  message: string;
  /** The deviation lies only in parts of the contract marked inferred. */
  inferred?: boolean;
}

type GetHeader = (name: string) => string | null;

function schemaFinding(contract: Contract, doc: Json, pointer: string, v: ValidateFunction, data: Json, name: string, prefix: string, waivers: Waiver[]): Finding {
  if (v(data)) return { name, ok: true, message: '' };
  const errors = applyWaivers(waivers, v.errors ?? [], data);
  if (errors.length === 0) return { name, ok: true, message: '' };
  const inferred = errors.every((e) => isInferredError(doc, pointer, e));
  void contract;
  return { name, ok: false, message: `${prefix}${describeErrors(errors, data)}`, inferred };
}

function coerceHeader(v: string, schema: Json): Json {
  const types: string[] = [].concat(schema?.type ?? []);
  if ((types.includes('integer') || types.includes('number')) && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  if (types.includes('boolean') && (v === 'true' || v === 'false')) return v === 'true';
  return v;
}

const mediaOf = (medias: string[], ctype: string) =>
  medias.find((m) => m.toLowerCase() === ctype) ?? medias.find((m) => m.endsWith('/*') && ctype.startsWith(m.slice(0, -1)));

export interface ResponseResult {
  findings: Finding[];
  json?: Json;
}

/** Status, documented headers, content type and body of one response. `what` names it, e.g. "POST /v1/sessions". */
export function checkResponse(contract: Contract, op: Operation, what: string, status: number, header: GetHeader, bytes: Buffer, waivers: Waiver[] = []): ResponseResult {
  const findings: Finding[] = [];
  const add = (f: Finding) => (findings.push(f), f.ok);
  const s = String(status);
  const spec = op.responses[s] ?? op.responses[`${s[0]}XX`] ?? op.responses.default;
  const label = `${what} → ${s}`;
  if (!add({ name: `${label}: status is documented`, ok: !!spec, message: spec ? '' : `status ${s} is not documented for ${op.operationId} (documented: ${Object.keys(op.responses).join(', ')})` })) {
    return { findings };
  }
  for (const [name, hs] of Object.entries(spec!.headers)) {
    const v = header(name);
    if (v === null) {
      add({ name: `${label}: header ${name}`, ok: !hs.required, message: `required header ${name} is missing` });
      continue;
    }
    if (!hs.schemaPointer) continue;
    const value = coerceHeader(v, contract.resolve(hs.schema));
    add(schemaFinding(contract, contract.openapi, hs.schemaPointer, contract.openapiValidator(hs.schemaPointer), value, `${label}: header ${name}`, `header ${name}: `, waivers));
  }
  const ctype = (header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const medias = Object.keys(spec!.content);
  if (medias.length === 0) {
    add({ name: `${label}: no body`, ok: bytes.length === 0, message: `undocumented body of ${bytes.length} bytes (${ctype})` });
    return { findings };
  }
  const media = mediaOf(medias, ctype);
  if (!add({ name: `${label}: content type`, ok: !!media, message: `Content-Type "${ctype}" is not documented (documented: ${medias.join(', ')})` })) return { findings };
  let json: Json;
  if (/json/.test(media!)) {
    try {
      json = parseJsonBounded(bytes.toString('utf8'));
    } catch (e) {
      add({ name: `${label}: body`, ok: false, message: `body is not JSON: ${(e as Error).message}` });
      return { findings };
    }
    const ptr = spec!.content[media!]!.schemaPointer;
    if (ptr) add(schemaFinding(contract, contract.openapi, ptr, contract.openapiValidator(ptr), json, `${label}: body`, 'body ', waivers));
    // The error envelope's request_id is the X-Request-ID of the same response.
    const rid = header('x-request-id');
    if (json?.error?.request_id !== undefined && rid !== null) {
      add({ name: `${label}: error.request_id = X-Request-ID`, ok: json.error.request_id === rid, message: `error.request_id ${json.error.request_id} ≠ X-Request-ID ${rid}` });
    }
  } else {
    const len = header('content-length');
    add({ name: `${label}: body`, ok: bytes.length > 0 && (len === null || Number(len) === bytes.length), message: `binary body of ${bytes.length} bytes, Content-Length ${len}` });
  }
  return { findings, json };
}

/** The JSON body of one request against the operation's request body schema (strict on what clients send). */
export function checkRequest(contract: Contract, op: Operation, what: string, header: GetHeader, bytes: Buffer): Finding[] {
  const findings: Finding[] = [];
  const rb = op.requestBody;
  if (!rb) {
    if (bytes.length > 0) findings.push({ name: `${what}: request body`, ok: false, message: `${op.operationId} takes no request body, got ${bytes.length} bytes` });
    return findings;
  }
  if (bytes.length === 0) {
    findings.push({ name: `${what}: request body`, ok: !rb.required, message: 'the request body is required' });
    return findings;
  }
  const ctype = (header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const media = mediaOf(Object.keys(rb.content), ctype);
  if (!media) {
    findings.push({ name: `${what}: request content type`, ok: false, message: `request Content-Type "${ctype}" is not documented (documented: ${Object.keys(rb.content).join(', ')})` });
    return findings;
  }
  const ptr = rb.content[media]!.schemaPointer;
  if (!ptr || !/json/.test(media)) return findings;
  let json: Json;
  try {
    json = parseJsonBounded(bytes.toString('utf8'));
  } catch (e) {
    findings.push({ name: `${what}: request body`, ok: false, message: `request body is not JSON: ${(e as Error).message}` });
    return findings;
  }
  findings.push(schemaFinding(contract, contract.openapi, ptr, contract.openapiValidator(ptr), json, `${what}: request body`, 'request body ', []));
  return findings;
}

export interface FrameResult {
  findings: Finding[];
  msg?: Json;
}

/** One stream frame: JSON text, a documented type for its direction, matching its AsyncAPI payload. */
export function checkFrame(contract: Contract, direction: 'server' | 'client', data: Buffer | string, isBinary: boolean): FrameResult {
  const who = direction === 'server' ? 'server' : 'client';
  const findings: Finding[] = [];
  const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (bytes > contract.maxFrameBytes) findings.push({ name: `${who} frame size`, ok: false, message: `${who} frame of ${bytes} bytes exceeds ${contract.maxFrameBytes}` });
  if (isBinary) {
    findings.push({ name: `${who} frame is a JSON text frame`, ok: false, message: 'binary frame' });
    return { findings };
  }
  const text = data.toString();
  let msg: Json;
  try {
    msg = parseJsonBounded(text);
  } catch {
    findings.push({ name: `${who} frame is JSON`, ok: false, message: `not JSON: ${text.slice(0, 80)}` });
    return { findings };
  }
  const known = (direction === 'server' ? contract.serverMessages : contract.clientMessages).get(msg?.type);
  findings.push({ name: `${who} frame type "${msg?.type}" is a documented ${who} message`, ok: !!known, message: known ? '' : `undocumented type ${JSON.stringify(msg?.type)}` });
  if (known) {
    const v = contract.messageValidator(msg.type, direction)!;
    findings.push(schemaFinding(contract, contract.asyncapi, known.payloadPointer, v, msg, `${who} frame ${msg.type} matches its AsyncAPI payload`, `${msg.type}: `, []));
  }
  return { findings, msg };
}
