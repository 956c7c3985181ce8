// Independent validators for tests: the shared Ajv 2020 helper of @kallglot/spec straight over the bundled
// documents (not the mock's own index).
import type { ValidateFunction, ErrorObject } from '@kallglot/spec/validators';
import { compileAsyncApi, compileOpenApi, escapePointer, locate } from '@kallglot/spec/validators';

export const oas = compileOpenApi();
export const aas = compileAsyncApi();
export const openapi = oas.doc as any;
export const asyncapi = aas.doc as any;

/** Validator for an operation's documented JSON response (exactly that status, no range fallback). */
export function responseValidator(method: string, path: string, status: number): ValidateFunction {
  const { node, pointer } = locate(openapi, `/paths/${escapePointer(path)}/${method.toLowerCase()}/responses/${status}`);
  if (!node) throw new Error(`${method} ${path} does not document ${status}`);
  return oas.at(`${pointer}/content/application~1json/schema`);
}

export const errorValidator: ValidateFunction = oas.schema('Error');

export const SERVER_TYPES = ['session.ready', 'transcript.partial', 'transcript.final', 'pong', 'session.ended', 'session.error'];
/** One validator per server message type (the document's `send` operations). */
export const serverMessageValidators = new Map<string, ValidateFunction>(
  SERVER_TYPES.map((t) => {
    const v = aas.message(t, 'server');
    if (!v) throw new Error(`asyncapi.json has no server message ${t}`);
    return [t, v];
  }),
);

export function validateServerFrame(text: string): { ok: boolean; errors?: unknown } {
  let frame: any;
  try {
    frame = JSON.parse(text);
  } catch {
    return { ok: false, errors: 'not JSON' };
  }
  if (!SERVER_TYPES.includes(frame?.type)) return { ok: false, errors: `not a server type: ${frame?.type}` };
  const v = serverMessageValidators.get(frame.type)!;
  return v(frame) ? { ok: true } : { ok: false, errors: v.errors };
}

/** Ajv errors of `body` against `v` (empty when valid). */
export function schemaErrors(v: ValidateFunction, body: unknown): ErrorObject[] {
  return v(body) ? [] : (v.errors ?? []);
}

export const closeCodes: Map<string, number> = new Map(
  (asyncapi.channels.sessionStream['x-kallglot-close-codes'] as { code: number; name: string }[]).map((c) => [c.name, c.code]),
);
