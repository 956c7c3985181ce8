// Ajv 2020 validators compiled straight from the bundled contract (dist/openapi.json, dist/asyncapi.json).
// One shared helper for the mock, the client tests and @kallglot/contract: each document is added to one
// Ajv instance under an id, and every validator is a `$ref` JSON pointer into it, so nothing copies a schema.
// Plain ESM with hand-written types (validators.d.ts): this package has no build step.
import { readFileSync } from 'node:fs';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// Both are CommonJS; their default export arrives wrapped or not depending on the loader.
const Ajv2020 = Ajv2020Module.Ajv2020 ?? Ajv2020Module.default ?? Ajv2020Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
// OpenAPI formats Ajv does not know: accept them instead of failing compilation.
const OPENAPI_FORMATS = ['binary', 'byte', 'int32', 'int64', 'float', 'double', 'password'];

/** The bundled document shipped with this package, parsed once per call. */
export function loadBundled(name) {
  if (name !== 'openapi.json' && name !== 'asyncapi.json') throw new TypeError(`unknown bundled document ${name}`);
  return JSON.parse(readFileSync(new URL(`./dist/${name}`, import.meta.url), 'utf8'));
}

/** Escape one JSON-pointer segment. */
export const escapePointer = (s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1');
const unescapePointer = (s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~');

/** The node at a JSON pointer (`/a/b` or `#/a/b`), or undefined. */
export function getPointer(doc, pointer) {
  const p = String(pointer).replace(/^#/, '');
  if (p === '' || p === '/') return doc;
  let cur = doc;
  for (const seg of p.split('/').slice(1)) {
    if (cur == null || typeof cur !== 'object') return undefined;
    cur = cur[unescapePointer(seg)];
  }
  return cur;
}

/** Follows local `$ref`s and returns the node plus the pointer (without `#`) where it really lives. */
export function locate(doc, pointer) {
  let ptr = String(pointer).replace(/^#/, '');
  let node = getPointer(doc, ptr);
  for (let i = 0; node && typeof node.$ref === 'string' && node.$ref.startsWith('#/') && i < 32; i++) {
    ptr = node.$ref.slice(1);
    node = getPointer(doc, ptr);
  }
  return { node, pointer: ptr };
}

/** A fresh Ajv 2020 instance (ajv-formats, OpenAPI formats, unknown keywords allowed). */
export function createAjv(options = {}) {
  // strict:false: the documents carry keywords Ajv does not know (example, discriminator, x-*).
  const ajv = new Ajv2020({ strict: false, allErrors: true, allowUnionTypes: true, validateFormats: true, logger: false, ...options });
  addFormats(ajv);
  for (const f of OPENAPI_FORMATS) if (!ajv.formats[f]) ajv.addFormat(f, true);
  return ajv;
}

// One compiled view per document object: compiling twice over the same doc reuses validators.
const openapiCache = new WeakMap();
const asyncapiCache = new WeakMap();
let bundledOpenApi;
let bundledAsyncApi;

function base(doc, id) {
  const ajv = createAjv();
  ajv.addSchema(doc, id);
  const cache = new Map();
  const at = (pointer) => {
    const p = String(pointer).replace(/^#/, '');
    let v = cache.get(p);
    if (!v) {
      v = ajv.compile({ $ref: `${id}#${p}` });
      cache.set(p, v);
    }
    return v;
  };
  return { ajv, at };
}

const mediaMatch = (medias, wanted) => {
  const w = String(wanted ?? '').split(';')[0].trim().toLowerCase();
  return medias.find((m) => m.toLowerCase() === w) ?? medias.find((m) => m.endsWith('/*') && w.startsWith(m.slice(0, -1)));
};

/** Validators over an OpenAPI 3.1 document (default: the bundled one). */
export function compileOpenApi(doc) {
  if (!doc) doc = bundledOpenApi ??= loadBundled('openapi.json');
  const hit = openapiCache.get(doc);
  if (hit) return hit;
  const id = 'https://kallglot.invalid/openapi.json';
  const { ajv, at } = base(doc, id);

  const operations = new Map();
  for (const path of Object.keys(doc.paths ?? {})) {
    const { node: item, pointer: itemPtr } = locate(doc, `/paths/${escapePointer(path)}`);
    for (const method of HTTP_METHODS) {
      const op = item?.[method];
      if (op?.operationId) operations.set(op.operationId, { operationId: op.operationId, method: method.toUpperCase(), path, pointer: `${itemPtr}/${method}` });
    }
  }
  const webhooks = new Map();
  for (const name of Object.keys(doc.webhooks ?? {})) {
    const { node: item, pointer } = locate(doc, `/webhooks/${escapePointer(name)}`);
    if (item?.post) webhooks.set(name, { name, operationId: item.post.operationId, pointer: `${pointer}/post` });
  }

  const operation = (operationId) => {
    const op = operations.get(operationId);
    if (!op) throw new Error(`unknown operationId ${operationId}`);
    return op;
  };
  /** Pointer of the response object for a status (exact, then 4XX-style range, then default), or undefined. */
  const responsePointer = (operationId, status) => {
    const op = operation(operationId);
    const responses = getPointer(doc, `${op.pointer}/responses`) ?? {};
    const s = String(status);
    const key = [s, `${s[0]}XX`, `${s[0]}xx`, 'default'].find((k) => k in responses);
    return key === undefined ? undefined : locate(doc, `${op.pointer}/responses/${escapePointer(key)}`).pointer;
  };
  const contentSchema = (pointer, contentType, what) => {
    const content = getPointer(doc, `${pointer}/content`) ?? {};
    const media = mediaMatch(Object.keys(content), contentType);
    if (!media) throw new Error(`${what} has no ${contentType} content (documented: ${Object.keys(content).join(', ') || 'none'})`);
    if (!content[media].schema) throw new Error(`${what} ${media} has no schema`);
    return at(`${pointer}/content/${escapePointer(media)}/schema`);
  };

  const api = {
    doc,
    ajv,
    operations,
    webhooks,
    at,
    schema: (ref) => at(String(ref).startsWith('#') || String(ref).startsWith('/') ? ref : `/components/schemas/${escapePointer(ref)}`),
    responsePointer,
    response(operationId, status, contentType = 'application/json') {
      const p = responsePointer(operationId, status);
      if (!p) throw new Error(`${operationId} does not document status ${status}`);
      return contentSchema(p, contentType, `${operationId} ${status}`);
    },
    request(operationId, contentType = 'application/json') {
      const op = operation(operationId);
      const { node, pointer } = locate(doc, `${op.pointer}/requestBody`);
      if (!node) throw new Error(`${operationId} has no request body`);
      return contentSchema(pointer, contentType, `${operationId} request`);
    },
    webhook(eventType) {
      const w = webhooks.get(eventType);
      if (!w) throw new Error(`unknown webhook event type ${eventType}`);
      const { node, pointer } = locate(doc, `${w.pointer}/requestBody`);
      if (!node) throw new Error(`webhook ${eventType} has no body`);
      return contentSchema(pointer, 'application/json', `webhook ${eventType}`);
    },
  };
  openapiCache.set(doc, api);
  return api;
}

/** Validators over an AsyncAPI 3 document (default: the bundled one), by wire `type`. */
export function compileAsyncApi(doc) {
  if (!doc) doc = bundledAsyncApi ??= loadBundled('asyncapi.json');
  const hit = asyncapiCache.get(doc);
  if (hit) return hit;
  const id = 'https://kallglot.invalid/asyncapi.json';
  const { ajv, at } = base(doc, id);
  // The document speaks for the server: `send` = server → client, `receive` = client → server.
  const messages = new Map();
  for (const opId of Object.keys(doc.operations ?? {})) {
    const { node: op, pointer: opPtr } = locate(doc, `/operations/${escapePointer(opId)}`);
    const direction = op?.action === 'send' ? 'server' : 'client';
    (op?.messages ?? []).forEach((_, i) => {
      const { node: msg, pointer: msgPtr } = locate(doc, `${opPtr}/messages/${i}`);
      const payload = locate(doc, `${msgPtr}/payload`);
      const type = payload.node?.properties?.type?.const ?? msg?.name;
      if (typeof type !== 'string') return;
      const entry = messages.get(type) ?? { type, name: msg?.name, operations: [], directions: new Set(), payloadPointer: payload.pointer };
      entry.operations.push(opId);
      entry.directions.add(direction);
      messages.set(type, entry);
    });
  }
  const api = {
    doc,
    ajv,
    messages,
    at,
    /** Validator for a message `type`, or undefined when no message of that type flows in `direction`. */
    message(type, direction) {
      const m = messages.get(type);
      if (!m || (direction && !m.directions.has(direction))) return undefined;
      return at(m.payloadPointer);
    },
  };
  asyncapiCache.set(doc, api);
  return api;
}
