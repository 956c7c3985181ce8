// A small index over the bundled OpenAPI document: route matching, per-operation validators, error vocabulary.
import type { ValidateFunction } from 'ajv';
import { compileOpenApi, deref, escapePointer as ptr } from '@kallglot/spec/ajv';
import type { Json, JsonObject } from './schema.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface ParamSpec {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  validate: ValidateFunction;
  /** Schema type, used to coerce query strings before validation. */
  types: string[];
  isArray: boolean;
}

export interface OperationSpec {
  operationId: string;
  method: string;
  pathTemplate: string;
  regex: RegExp;
  pathParamNames: string[];
  params: ParamSpec[];
  body?: { required: boolean; mediaTypes: string[]; validate?: ValidateFunction };
  responses: Record<string, JsonObject>;
  secured: boolean;
  /** Status codes documented for this operation. */
  statuses: Set<number>;
}

export interface OpenApiModel {
  doc: JsonObject;
  operations: OperationSpec[];
  match(method: string, path: string): { op?: OperationSpec; params: Record<string, string>; allowed: string[] };
  errorTypes: string[];
  /** The ErrorCode enum (closed list of `error.code` values), empty when the spec leaves it open. */
  errorCodeEnum: string[];
  /** `code` values per status collected from the document's error examples. */
  errorCodes: Map<number, Set<string>>;
  validateSchemaRef(ref: string): ValidateFunction;
  validateResponse(op: OperationSpec, status: number, body: unknown): ValidateFunction | undefined;
  webhookExamples: Map<string, JsonObject>;
  webhookValidators: Map<string, ValidateFunction>;
  basePath: string;
}

function schemaTypes(schema: JsonObject | undefined): string[] {
  if (!schema) return [];
  const t = schema.type;
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  if (typeof t === 'string') return [t];
  return [];
}

type Compile = (pointer: string) => ValidateFunction;

function basePathOf(doc: JsonObject): string {
  const serverUrl = ((doc.servers as JsonObject[] | undefined)?.[0]?.url as string | undefined) ?? '';
  try {
    return new URL(serverUrl).pathname.replace(/\/$/, '');
  } catch {
    return '';
  }
}

/** Path and operation parameters (operation-level ones first: they override the path item's). */
function collectParams(doc: JsonObject, compile: Compile, anyValue: ValidateFunction, lists: [Json[], string][]): ParamSpec[] {
  const params: ParamSpec[] = [];
  const seen = new Set<string>();
  for (const [list, basePtr] of lists) {
    list.forEach((raw, i) => {
      const p = deref<JsonObject>(doc, raw);
      if (!p || typeof p.name !== 'string') return;
      const key = `${String(p.in)}:${p.name.toLowerCase()}`;
      if (seen.has(key)) return;
      seen.add(key);
      // Point Ajv at the schema where it lives (following a $ref'd parameter).
      const rawRef = (raw as JsonObject).$ref;
      const pPtr = typeof rawRef === 'string' ? rawRef : `${basePtr}/${i}`;
      const types = schemaTypes(deref<JsonObject>(doc, p.schema));
      params.push({
        name: p.name,
        in: p.in as ParamSpec['in'],
        required: p.required === true || p.in === 'path',
        validate: p.schema ? compile(`${pPtr}/schema`) : anyValue,
        types,
        isArray: types.includes('array'),
      });
    });
  }
  return params;
}

function requestBodySpec(doc: JsonObject, compile: Compile, op: JsonObject, opPtr: string): OperationSpec['body'] {
  if (!op.requestBody) return undefined;
  const rb = deref<JsonObject>(doc, op.requestBody);
  const rbRef = (op.requestBody as JsonObject).$ref;
  const rbPtr = typeof rbRef === 'string' ? rbRef : `${opPtr}/requestBody`;
  const content = (rb.content ?? {}) as JsonObject;
  const mediaTypes = Object.keys(content);
  const jsonType = mediaTypes.find((m) => /json/i.test(m));
  const validate = jsonType && (content[jsonType] as JsonObject).schema ? compile(`${rbPtr}/content/${ptr(jsonType)}/schema`) : undefined;
  return { required: rb.required === true, mediaTypes, validate };
}

function isSecured(op: JsonObject, doc: JsonObject): boolean {
  const security = (op.security ?? doc.security) as Json[] | undefined;
  return Array.isArray(security) && security.length > 0 && !security.some((s) => s && typeof s === 'object' && Object.keys(s).length === 0);
}

function buildOperation(doc: JsonObject, compile: Compile, anyValue: ValidateFunction, pathTemplate: string, method: string, item: JsonObject): OperationSpec {
  const op = item[method] as JsonObject;
  const opPtr = `#/paths/${ptr(pathTemplate)}/${method}`;
  const pathParamNames: string[] = [];
  const regexSrc = pathTemplate.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_m, n: string) => {
    pathParamNames.push(n);
    return '([^/]+)';
  });
  const params = collectParams(doc, compile, anyValue, [
    [(op.parameters ?? []) as Json[], `${opPtr}/parameters`],
    [(item.parameters ?? []) as Json[], `#/paths/${ptr(pathTemplate)}/parameters`],
  ]);
  const responses: Record<string, JsonObject> = {};
  const statuses = new Set<number>();
  for (const [code, r] of Object.entries((op.responses ?? {}) as JsonObject)) {
    responses[code] = deref<JsonObject>(doc, r);
    if (/^\d{3}$/.test(code)) statuses.add(Number(code));
  }
  return {
    operationId: String(op.operationId ?? `${method} ${pathTemplate}`),
    method: method.toUpperCase(),
    pathTemplate,
    regex: new RegExp(`^${regexSrc}$`),
    pathParamNames,
    params,
    body: requestBodySpec(doc, compile, op, opPtr),
    responses,
    secured: isSecured(op, doc),
    statuses,
  };
}

function buildOperations(doc: JsonObject, compile: Compile, anyValue: ValidateFunction): OperationSpec[] {
  const operations: OperationSpec[] = [];
  for (const [pathTemplate, rawItem] of Object.entries((doc.paths ?? {}) as JsonObject)) {
    const item = deref<JsonObject>(doc, rawItem);
    for (const method of METHODS) if (item[method]) operations.push(buildOperation(doc, compile, anyValue, pathTemplate, method, item));
  }
  // Literal paths win over templated ones (`/v1/agents/search` before `/v1/agents/{id}`).
  return operations.sort((a, b) => a.pathParamNames.length - b.pathParamNames.length);
}

function makeMatcher(operations: OperationSpec[], basePath: string): OpenApiModel['match'] {
  return (method, rawPath) => {
    let path = rawPath;
    if (basePath && !operations.some((o) => o.regex.test(path)) && path.startsWith(basePath)) path = path.slice(basePath.length) || '/';
    const allowed: string[] = [];
    for (const o of operations) {
      const m = o.regex.exec(path);
      if (!m) continue;
      if (o.method !== method) {
        allowed.push(o.method);
        continue;
      }
      const params: Record<string, string> = {};
      o.pathParamNames.forEach((n, i) => {
        try {
          params[n] = decodeURIComponent(m[i + 1] ?? '');
        } catch {
          params[n] = m[i + 1] ?? '';
        }
      });
      return { op: o, params, allowed };
    }
    return { params: {}, allowed };
  };
}

function visit(node: Json | undefined, fn: (o: JsonObject) => void, depth = 0): void {
  if (!node || typeof node !== 'object' || depth > 40) return;
  if (Array.isArray(node)) return node.forEach((n) => visit(n, fn, depth + 1));
  fn(node);
  for (const v of Object.values(node)) visit(v, fn, depth + 1);
}

/** Error vocabulary, read from the Error schema and every documented error example. */
function errorVocabulary(doc: JsonObject, operations: OperationSpec[]) {
  const errorTypes: string[] = [];
  const errorCodeEnum: string[] = [];
  const errorCodes = new Map<number, Set<string>>();
  visit(((doc.components as JsonObject | undefined)?.schemas ?? {}) as JsonObject, (o) => {
    const props = o.properties as JsonObject | undefined;
    const t = props?.type as JsonObject | undefined;
    if (!props || !props.code || !props.message || !t) return;
    for (const v of (deref<JsonObject>(doc, t).enum ?? []) as Json[]) if (typeof v === 'string' && !errorTypes.includes(v)) errorTypes.push(v);
    for (const v of (deref<JsonObject>(doc, props.code)?.enum ?? []) as Json[]) if (typeof v === 'string' && !errorCodeEnum.includes(v)) errorCodeEnum.push(v);
  });
  for (const o of operations) {
    for (const [code, r] of Object.entries(o.responses)) {
      if (!/^[45]\d\d$/.test(code)) continue;
      visit(r.content as Json, (n) => {
        const err = n.error as JsonObject | undefined;
        if (!err || typeof err !== 'object' || typeof err.code !== 'string') return;
        const set = errorCodes.get(Number(code)) ?? new Set<string>();
        set.add(err.code);
        errorCodes.set(Number(code), set);
      });
    }
  }
  return { errorTypes, errorCodeEnum, errorCodes };
}

function makeResponseValidator(doc: JsonObject, compile: Compile): OpenApiModel['validateResponse'] {
  return (op, status) => {
    const key = op.responses[String(status)] ? String(status) : op.responses[`${String(status)[0]}XX`] ? `${String(status)[0]}XX` : 'default';
    const r = op.responses[key];
    if (!r) return undefined;
    const content = (r.content ?? {}) as JsonObject;
    const mt = Object.keys(content).find((m) => /json/i.test(m));
    if (!mt || !(content[mt] as JsonObject).schema) return undefined;
    // Responses may be $ref'd; resolve the schema node where it really lives.
    const raw = ((doc.paths as JsonObject)[op.pathTemplate] as JsonObject)[op.method.toLowerCase()] as JsonObject;
    const rawResp = (raw.responses as JsonObject)[key] as JsonObject;
    const base = typeof rawResp.$ref === 'string' ? rawResp.$ref : `#/paths/${ptr(op.pathTemplate)}/${op.method.toLowerCase()}/responses/${key}`;
    return compile(`${base}/content/${ptr(mt)}/schema`);
  };
}

/** Every example a webhook's media type, examples or schema gives. */
function webhookCandidates(doc: JsonObject, media: JsonObject): Json[] {
  const candidates: Json[] = [];
  if (media.example !== undefined) candidates.push(media.example);
  for (const ex of Object.values((media.examples ?? {}) as JsonObject)) {
    const e = deref<JsonObject>(doc, ex);
    if (e && e.value !== undefined) candidates.push(e.value);
  }
  const schema = deref<JsonObject>(doc, media.schema);
  if (schema?.examples && Array.isArray(schema.examples)) candidates.push(...schema.examples);
  if (schema?.example !== undefined) candidates.push(schema.example);
  return candidates;
}

/** Webhook examples and validators: one per event type (OpenAPI 3.1 `webhooks`). */
function webhookIndex(doc: JsonObject, compile: Compile) {
  const webhookExamples = new Map<string, JsonObject>();
  const webhookValidators = new Map<string, ValidateFunction>();
  for (const [hookName, rawItem] of Object.entries((doc.webhooks ?? {}) as JsonObject)) {
    const post = deref<JsonObject>(doc, rawItem).post as JsonObject | undefined;
    if (!post?.requestBody) continue;
    const rb = deref<JsonObject>(doc, post.requestBody);
    const rbRef = (post.requestBody as JsonObject).$ref;
    const content = (rb.content ?? {}) as JsonObject;
    const mt = content['application/json'] ? 'application/json' : Object.keys(content)[0];
    const media = mt ? deref<JsonObject>(doc, content[mt]) : undefined;
    if (!mt || !media) continue;
    const rbPtr = typeof rbRef === 'string' ? rbRef : `#/webhooks/${ptr(hookName)}/post/requestBody`;
    const validate = media.schema ? compile(`${rbPtr}/content/${ptr(mt)}/schema`) : undefined;
    for (const c of webhookCandidates(doc, media)) {
      if (!c || typeof c !== 'object' || Array.isArray(c) || typeof c.type !== 'string' || webhookExamples.has(c.type)) continue;
      webhookExamples.set(c.type, c as JsonObject);
      if (validate) webhookValidators.set(c.type, validate);
    }
  }
  return { webhookExamples, webhookValidators };
}

export function buildOpenApiModel(doc: JsonObject): OpenApiModel {
  // The shared helper's Ajv instance holds the document; every validator is a cached pointer into it.
  const { ajv, at: compile } = compileOpenApi(doc);
  const basePath = basePathOf(doc);
  const operations = buildOperations(doc, compile, ajv.compile({}));
  return {
    doc,
    operations,
    match: makeMatcher(operations, basePath),
    ...errorVocabulary(doc, operations),
    validateSchemaRef: (ref: string) => compile(ref),
    validateResponse: makeResponseValidator(doc, compile),
    ...webhookIndex(doc, compile),
    basePath,
  };
}
