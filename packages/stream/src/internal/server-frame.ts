// Server → client frames, read liberally: JSON text with a string `type`; a known type is validated (the full
// schema first, then only what the public docs confirm, unless `validate` is 'strict'); an unknown type is
// handed to the caller as such. Never throws.
import { StreamError, type StreamWarning } from '../errors.js';
import type { ServerMessage, ServerMessageType } from '../generated/messages.js';
import { documentedServerValidators, serverValidators, type ValidationError, type Validator } from '../generated/validators.js';

export type ServerFrame =
  | { kind: 'message'; message: ServerMessage; warning?: StreamWarning }
  | { kind: 'unknown'; type: string; data: Record<string, unknown> }
  | { kind: 'error'; error: StreamError };

function describeErrors(errors: ValidationError[]): string {
  const first = errors[0];
  return first ? `: ${first.instancePath || '/'} ${first.message}` : '';
}

/** The error without Ajv's optional `data`/`schema` (never a copy of the payload). */
function copyError(e: ValidationError): ValidationError {
  return { instancePath: e.instancePath, schemaPath: e.schemaPath, keyword: e.keyword, params: e.params, ...(e.message ? { message: e.message } : {}) };
}

function parse(data: unknown): { msg: Record<string, unknown>; type: string } | StreamError {
  if (typeof data !== 'string') return new StreamError('binary_frame', 'Server sent a binary frame; the protocol is JSON text', { size: (data as ArrayBuffer)?.byteLength });
  let msg: unknown;
  try {
    msg = JSON.parse(data);
  } catch (err) {
    return new StreamError('parse', `Server frame is not JSON: ${(err as Error).message}`, { raw: data.slice(0, 1024) });
  }
  if (!msg || typeof msg !== 'object' || Array.isArray(msg) || typeof (msg as { type?: unknown }).type !== 'string') {
    return new StreamError('validation', 'Server frame is not an object with a string `type`', { raw: data.slice(0, 1024) });
  }
  return { msg: msg as Record<string, unknown>, type: (msg as { type: string }).type };
}

export function readServerFrame(data: unknown, validate: boolean | 'strict'): ServerFrame {
  const parsed = parse(data);
  if (parsed instanceof StreamError) return { kind: 'error', error: parsed };
  const { msg, type } = parsed;
  const validator = (serverValidators as Record<string, Validator<ServerMessage> | undefined>)[type];
  if (!validator || !Object.prototype.hasOwnProperty.call(serverValidators, type)) return { kind: 'unknown', type, data: msg };
  // The full schema first: a conforming frame (the usual case) costs one validation.
  if (!validate || validator(msg)) return { kind: 'message', message: msg as unknown as ServerMessage };
  const errors = (validator.errors ?? []) as ValidationError[];
  const documented = (documentedServerValidators as Record<string, Validator<ServerMessage>>)[type]!;
  if (validate === 'strict' || !documented(msg)) {
    const shown = validate === 'strict' ? errors : ((documented.errors ?? []) as ValidationError[]);
    return { kind: 'error', error: new StreamError('validation', `Invalid ${type} frame from the server${describeErrors(shown)}`, { type, errors: shown, data: msg }) };
  }
  const warning: StreamWarning = { kind: 'schema', type: type as ServerMessageType, errors: errors.map(copyError), message: `${type} frame differs from the schema in a part the public docs do not confirm${describeErrors(errors)}; delivered anyway` };
  return { kind: 'message', message: msg as unknown as ServerMessage, warning };
}
