// Independent validators for tests: Ajv 2020 straight over the bundled documents (not the mock's own index).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => Ajv2020;

export const openapi = JSON.parse(readFileSync(require.resolve('@kallglot/spec/openapi.json'), 'utf8'));
export const asyncapi = JSON.parse(readFileSync(require.resolve('@kallglot/spec/asyncapi.json'), 'utf8'));

function makeAjv(doc: object, id: string): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const f of ['binary', 'byte', 'int32', 'int64', 'float', 'double', 'password']) if (!ajv.formats[f]) ajv.addFormat(f, true);
  ajv.addSchema(doc, id);
  return ajv;
}
const oa = makeAjv(openapi, 'oa');
const aa = makeAjv(asyncapi, 'aa');
const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Validator for an operation's documented JSON response. */
export function responseValidator(method: string, path: string, status: number): ValidateFunction {
  let resp = openapi.paths[path][method.toLowerCase()].responses[String(status)];
  let pointer = `#/paths/${esc(path)}/${method.toLowerCase()}/responses/${status}`;
  while (resp.$ref) {
    pointer = resp.$ref;
    resp = resp.$ref.split('/').slice(1).reduce((o: any, k: string) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')], openapi);
  }
  return oa.compile({ $ref: `oa${pointer}/content/application~1json/schema` });
}

export const errorValidator: ValidateFunction = oa.compile({ $ref: 'oa#/components/schemas/Error' });

/** One validator per server message type, found by the `type` const of each message payload. */
export const serverMessageValidators = new Map<string, ValidateFunction>();
for (const [name, msg] of Object.entries<any>(asyncapi.components.messages)) {
  const t = msg.payload?.properties?.type?.const;
  if (typeof t === 'string') serverMessageValidators.set(t, aa.compile({ $ref: `aa#/components/messages/${esc(name)}/payload` }));
}
export const SERVER_TYPES = ['session.ready', 'transcript.partial', 'transcript.final', 'pong', 'session.ended', 'session.error'];

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
