// The bundled OpenAPI document (dist/openapi.json, built by `npm run bundle`) keeps the contract's promises:
// all 16 operations with their success statuses, every example valid against its schema under JSON Schema
// 2020-12 (Ajv, not only Spectral/Redocly), and request schemas that refuse the documented older shapes.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const doc: Json = JSON.parse(readFileSync(join(dist, 'openapi.json'), 'utf8'));
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

const OPERATIONS: Array<[string, string, string, string]> = [
  ['listAgents', 'get', '/v1/agents', '200'],
  ['createAgent', 'post', '/v1/agents', '201'],
  ['retrieveAgent', 'get', '/v1/agents/{agent_id}', '200'],
  ['updateAgent', 'patch', '/v1/agents/{agent_id}', '200'],
  ['deleteAgent', 'delete', '/v1/agents/{agent_id}', '200'],
  ['createSession', 'post', '/v1/sessions', '201'],
  ['retrieveSession', 'get', '/v1/sessions/{session_id}', '200'],
  ['endSession', 'post', '/v1/sessions/{session_id}/end', '200'],
  ['dialSession', 'post', '/v1/sessions/{session_id}/dial', '200'],
  ['hangupSession', 'post', '/v1/sessions/{session_id}/hangup', '200'],
  ['retrieveSessionTranscript', 'get', '/v1/sessions/{session_id}/transcript', '200'],
  ['listSessionRecordings', 'get', '/v1/sessions/{session_id}/recordings', '200'],
  ['retrieveRecording', 'get', '/v1/recordings/{recording_id}', '200'],
  ['downloadRecordingAudio', 'get', '/v1/recordings/{recording_id}/audio', '200'],
  ['createSessionAnalysis', 'post', '/v1/sessions/{session_id}/analysis', '202'],
  ['retrieveAnalysis', 'get', '/v1/analyses/{analysis_id}', '200'],
];
const IDEMPOTENT = ['createSession', 'endSession', 'dialSession', 'createSessionAnalysis', 'createAgent'];
const WEBHOOKS = [
  'session.created', 'session.started', 'session.ended', 'transcript.ready', 'transcript.segment', 'recording.ready',
  'recording.failed', 'analysis.complete', 'analysis.failed', 'session.provider.connected', 'session.provider.disconnected',
];

/** Follows a local `#/...` $ref (one hop at a time) inside the bundle. */
function deref(node: Json): Json {
  let n = node;
  for (let i = 0; n && typeof n.$ref === 'string' && i < 20; i++) {
    n = n.$ref.slice(2).split('/').map((s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((acc: Json, key: string) => acc?.[key], doc);
  }
  return n;
}

function operations(): Array<{ where: string; op: Json; path: Json }> {
  const out: Array<{ where: string; op: Json; path: Json }> = [];
  for (const [section, items] of [['paths', doc.paths], ['webhooks', doc.webhooks]] as const) {
    for (const [name, item] of Object.entries<Json>(items ?? {})) {
      for (const m of METHODS) if (item[m]) out.push({ where: `${section} ${m.toUpperCase()} ${name}`, op: item[m], path: item });
    }
  }
  return out;
}

// Ajv 2020 over the bundle: component schemas become $defs of one registered schema, so `#/components/schemas/X`
// refs are rewritten to `kallglot#/$defs/X`. Strict mode stays on (a misspelt keyword fails to compile); the
// OpenAPI extension and annotation keywords are declared, and the OpenAPI integer formats are real checks.
let ajv: InstanceType<typeof Ajv2020>;
const rewrite = (node: Json): Json =>
  JSON.parse(JSON.stringify(node), (key, value) =>
    key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')
      ? `kallglot#/$defs/${value.slice('#/components/schemas/'.length)}`
      : value,
  );
function compile(schema: Json): ValidateFunction {
  return ajv.compile(rewrite(schema));
}
function errorsOf(validate: ValidateFunction, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

beforeAll(() => {
  ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, validateFormats: true });
  addFormats(ajv);
  for (const kw of ['x-kallglot-source', 'x-kallglot-inferred', 'x-kallglot-open-enum']) ajv.addKeyword(kw);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('binary', { type: 'string', validate: () => true });
  ajv.addSchema({ $id: 'kallglot', $defs: rewrite(doc.components.schemas) });
});

describe('bundled openapi.json', () => {
  it('is OpenAPI 3.1 served from https://api.kallglot.com', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.servers.map((s: Json) => s.url)).toEqual(['https://api.kallglot.com']);
    expect(doc.paths['/v1/sessions'].get).toBeUndefined();
  });

  it('has exactly the 16 operations of the reference index, each with its success status', () => {
    const found = operations().filter((o) => o.where.startsWith('paths')).map((o) => o.op.operationId).sort();
    expect(found).toEqual(OPERATIONS.map(([id]) => id).sort());
    for (const [id, method, path, status] of OPERATIONS) {
      const op = doc.paths[path]?.[method];
      expect(op?.operationId, `${method} ${path}`).toBe(id);
      const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      expect(success, id).toEqual([status]);
    }
  });

  it('serves recording audio as audio/mpeg bytes with Content-Length and Content-Disposition', () => {
    const ok = doc.paths['/v1/recordings/{recording_id}/audio'].get.responses['200'];
    expect(Object.keys(ok.content)).toEqual(['audio/mpeg']);
    expect(ok.content['audio/mpeg'].schema).toMatchObject({ type: 'string', contentMediaType: 'audio/mpeg', format: 'binary' });
    expect(Object.keys(ok.headers)).toEqual(expect.arrayContaining(['Content-Length', 'Content-Disposition']));
  });

  it('takes Idempotency-Key on exactly the five documented POSTs', () => {
    const withKey = operations()
      .filter((o) => o.where.startsWith('paths'))
      .filter((o) => (o.op.parameters ?? []).map(deref).some((p: Json) => p.in === 'header' && p.name === 'Idempotency-Key'))
      .map((o) => o.op.operationId);
    expect(withKey.sort()).toEqual([...IDEMPOTENT].sort());
  });

  it('paginates the two list routes with limit (1-100, default 20), starting_after and ending_before', () => {
    for (const path of ['/v1/agents', '/v1/sessions/{session_id}/recordings']) {
      const params = doc.paths[path].get.parameters.map(deref);
      const byName = Object.fromEntries(params.map((p: Json) => [p.name, p]));
      expect(byName.limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
      expect(byName.starting_after.in).toBe('query');
      expect(byName.ending_before.in).toBe('query');
    }
  });

  it('secures every operation with the bearer key or the X-API-Key header', () => {
    expect(doc.security).toEqual([{ BearerAuth: [] }, { ApiKeyHeader: [] }]);
    expect(doc.components.securitySchemes.BearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.ApiKeyHeader).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    for (const { op, where } of operations().filter((o) => o.where.startsWith('paths'))) expect(op.security, where).toBeUndefined();
  });

  it('answers every error with the shared envelope, and 409/429 with Retry-After', () => {
    for (const { op, where } of operations().filter((o) => o.where.startsWith('paths'))) {
      for (const [status, ref] of Object.entries<Json>(op.responses)) {
        const response = deref(ref);
        expect(response.headers['X-Request-ID'], `${where} ${status}`).toBeDefined();
        expect(response.headers['X-RateLimit-Limit'], `${where} ${status}`).toBeDefined();
        if (!/^[45]/.test(status)) continue;
        expect(ref.$ref, `${where} ${status}`).toMatch(/^#\/components\/responses\//);
        expect(response.content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
        if (status === '409' || status === '429') expect(Object.keys(response.headers)).toContain('Retry-After');
      }
      for (const status of ['401', '402', '403', '429', '500', '503']) expect(op.responses[status], `${where} ${status}`).toBeDefined();
    }
  });

  it('declares all 11 webhook events with the envelope and the Kallglot-Signature header', () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual([...WEBHOOKS].sort());
    for (const type of WEBHOOKS) {
      const op = doc.webhooks[type].post;
      const schema = deref(op.requestBody.content['application/json'].schema);
      expect(schema.properties.type.const).toBe(type);
      expect(schema.required).toEqual(expect.arrayContaining(['id', 'type', 'api_version', 'created_at', 'data']));
      expect(deref(schema.properties.id).pattern).toBe('^evt_[A-Za-z0-9]+$');
      expect(deref(schema.properties.data).type).toBe('object');
      const sig = op.parameters.map(deref).find((p: Json) => p.name === 'Kallglot-Signature');
      expect(sig).toMatchObject({ in: 'header', required: true });
    }
  });

  it('documents every schema property with a description and a type', () => {
    const missing: string[] = [];
    const visit = (where: string, schema: Json) => {
      for (const [name, prop] of Object.entries<Json>(schema?.properties ?? {})) {
        if (prop === false) continue;
        const target = deref(prop);
        const typed = (p: Json): boolean =>
          p?.type !== undefined || p?.const !== undefined || p?.enum !== undefined || (p?.anyOf ?? []).every((s: Json) => typed(deref(s)));
        if (!prop.description && !target?.description) missing.push(`${where}.${name}: description`);
        if (!typed(target)) missing.push(`${where}.${name}: type`);
        if (!prop.$ref) visit(`${where}.${name}`, prop);
        if (prop.items && !prop.items.$ref) visit(`${where}.${name}[]`, prop.items);
      }
    };
    for (const [name, schema] of Object.entries<Json>(doc.components.schemas)) visit(name, schema);
    expect(missing).toEqual([]);
  });

  it('keeps response schemas open and request schemas closed', () => {
    const requests = ['CreateSessionRequest', 'CreateAgentRequest', 'UpdateAgentRequest', 'DialSessionRequest', 'CreateAnalysisRequest', 'Routing', 'SipRouting', 'AudioHints', 'SessionAiAgent', 'AgentOverrides', 'RecordingSettings', 'AgentTool'];
    for (const name of requests) expect(doc.components.schemas[name].additionalProperties, name).toBe(false);
    for (const name of ['Session', 'SessionEndSummary', 'Agent', 'AgentList', 'Transcript', 'TranscriptTurn', 'Recording', 'RecordingSummary', 'RecordingList', 'Analysis', 'Call', 'Error']) {
      const schema = doc.components.schemas[name];
      expect(schema.additionalProperties, name).toBeUndefined();
      expect(schema.unevaluatedProperties, name).toBeUndefined();
      // Call is designed here as a whole, so none of its fields is required (liberal on what the server sends).
      if (name === 'Call') expect(schema.required, name).toBeUndefined();
      else expect(schema.required?.length, name).toBeGreaterThan(0);
    }
    for (const field of ['id', 'object', 'created_at', 'updated_at']) expect(doc.components.schemas.Agent.properties[field].readOnly, field).toBe(true);
  });

  it('gives every prefixed id a pattern', () => {
    const patterns: Record<string, string> = {
      SessionId: '^sess_', AgentId: '^agt_', RecordingId: '^rec_', AnalysisId: '^anl_', StreamToken: '^kst_', EventId: '^evt_',
    };
    for (const [name, prefix] of Object.entries(patterns)) expect(doc.components.schemas[name].pattern, name).toMatch(new RegExp(`^\\${prefix}`));
  });
});

describe('every example validates against its schema (Ajv, JSON Schema 2020-12)', () => {
  interface Case { where: string; schema: Json; value: unknown }
  const cases: Case[] = [];
  const mediaCases = (where: string, content: Json) => {
    for (const [type, media] of Object.entries<Json>(content ?? {})) {
      const named = Object.entries<Json>(media.examples ?? {});
      for (const [name, ex] of named) cases.push({ where: `${where} ${type} examples.${name}`, schema: media.schema, value: deref(ex).value });
      if (media.example !== undefined) cases.push({ where: `${where} ${type} example`, schema: media.schema, value: media.example });
    }
  };
  const paramCases = (where: string, params: Json[] = []) => {
    for (const p of params.map(deref)) {
      for (const [name, ex] of Object.entries<Json>(p.examples ?? {})) cases.push({ where: `${where} param ${p.name} examples.${name}`, schema: p.schema, value: deref(ex).value });
      if (p.example !== undefined) cases.push({ where: `${where} param ${p.name} example`, schema: p.schema, value: p.example });
    }
  };
  // Schema-level `examples` arrays anywhere in a schema tree (component schemas, inline schemas, header schemas).
  const schemaCases = (where: string, schema: Json, seen = new Set<Json>()) => {
    if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
    seen.add(schema);
    if (Array.isArray(schema)) return schema.forEach((s, i) => schemaCases(`${where}[${i}]`, s, seen));
    if (Array.isArray(schema.examples)) schema.examples.forEach((v: unknown, i: number) => cases.push({ where: `${where} examples[${i}]`, schema, value: v }));
    for (const key of ['properties', 'patternProperties', '$defs', 'dependentSchemas']) {
      for (const [k, s] of Object.entries<Json>(schema[key] ?? {})) schemaCases(`${where}.${key}.${k}`, s, seen);
    }
    for (const key of ['items', 'additionalProperties', 'unevaluatedProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames']) {
      if (schema[key] && typeof schema[key] === 'object') schemaCases(`${where}.${key}`, schema[key], seen);
    }
    for (const key of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) (schema[key] ?? []).forEach((s: Json, i: number) => schemaCases(`${where}.${key}[${i}]`, s, seen));
  };

  for (const { where, op, path } of operations()) {
    paramCases(where, [...(path.parameters ?? []), ...(op.parameters ?? [])]);
    if (op.requestBody) mediaCases(`${where} request`, deref(op.requestBody).content);
    for (const [status, r] of Object.entries<Json>(op.responses)) {
      mediaCases(`${where} ${status}`, deref(r).content);
      for (const [h, header] of Object.entries<Json>(deref(r).headers ?? {})) schemaCases(`${where} ${status} header ${h}`, deref(header).schema);
    }
  }
  for (const [name, s] of Object.entries<Json>(doc.components.schemas)) schemaCases(`schemas.${name}`, s);
  for (const [name, p] of Object.entries<Json>(doc.components.parameters ?? {})) paramCases(`parameters.${name}`, [p]);
  for (const [name, r] of Object.entries<Json>(doc.components.responses ?? {})) mediaCases(`responses.${name}`, r.content);

  // Shared responses and parameters repeat under many operations: validate each (schema, value) pair once.
  const unique = [...new Map(cases.map((c) => [JSON.stringify([c.schema, c.value]), c])).values()];

  it('finds examples everywhere (components/examples, inline, parameters, schemas)', () => {
    expect(unique.length).toBeGreaterThan(100);
    const used = new Set(JSON.stringify(doc).match(/#\/components\/examples\/[A-Za-z0-9]+/g));
    expect(used.size).toBe(Object.keys(doc.components.examples).length);
  });

  it.each(unique.map((c) => [c.where, c] as const))('%s', (_where, c) => {
    const schema = deref(c.schema);
    expect(schema, 'example without a schema').toBeTruthy();
    expect(errorsOf(compile(c.schema), c.value)).toEqual([]);
  });

  it('has a named example for every request body and every documented response of every operation', () => {
    for (const { where, op } of operations()) {
      if (op.requestBody) {
        for (const [type, media] of Object.entries<Json>(deref(op.requestBody).content)) expect(Object.keys(media.examples ?? {}).length, `${where} request ${type}`).toBeGreaterThan(0);
      }
      for (const [status, r] of Object.entries<Json>(op.responses)) {
        for (const [type, media] of Object.entries<Json>(deref(r).content ?? {})) expect(Object.keys(media.examples ?? {}).length, `${where} ${status} ${type}`).toBeGreaterThan(0);
      }
    }
  });
});

describe('request schemas are strict and refuse the older shapes', () => {
  const requestSchema = (path: string, method = 'post') => compile(doc.paths[path][method].requestBody.content['application/json'].schema);
  let createSession: ValidateFunction;
  let createAnalysis: ValidateFunction;
  let createAgent: ValidateFunction;
  beforeAll(() => {
    createSession = requestSchema('/v1/sessions');
    createAnalysis = requestSchema('/v1/sessions/{session_id}/analysis');
    createAgent = requestSchema('/v1/agents');
  });

  it('accepts documented create-session bodies', () => {
    expect(errorsOf(createSession, { mode: 'bidirectional_translation' })).toEqual([]);
    expect(errorsOf(createSession, {
      mode: 'bidirectional_translation', source_language: 'en', target_language: 'es',
      routing: { phone_number: '+14155551234' }, recording: { enabled: true }, metadata: { ticket: '4711' },
    })).toEqual([]);
    expect(errorsOf(createSession, { mode: 'assistive_translation', routing: { type: 'sip', sip: { from_uri: 'sip:alice@example.com' } } })).toEqual([]);
  });

  it('rejects a create-session body with a top-level provider object (the older shape)', () => {
    const old = {
      mode: 'bidirectional_translation', source_language: 'en', target_language: 'es',
      provider: { type: 'twilio', phone_number: '+14155551234', call_sid: 'CA123' },
    };
    expect(createSession(old)).toBe(false);
    expect(createSession.errors).toContainEqual(expect.objectContaining({ keyword: 'additionalProperties', params: { additionalProperty: 'provider' } }));
  });

  it('rejects missing, unknown and wrongly typed create-session fields', () => {
    expect(createSession({ source_language: 'en' })).toBe(false); // mode missing
    expect(createSession({ mode: 'translation' })).toBe(false); // not in the enum
    expect(createSession({ mode: 'ai_agent' })).toBe(false); // ai_agent mode needs ai_agent
    expect(createSession({ mode: 'bidirectional_translation', routing: { phone_number: '+14155551234', connection_id: 'pcon_01HXYZ' } })).toBe(false);
    expect(createSession({ mode: 'bidirectional_translation', routing: { sip: { from_uri: 'sip:a@b.c' } } })).toBe(false); // sip without type
    expect(createSession({ mode: 'bidirectional_translation', routing: { provider: 'twilio' } })).toBe(false);
    expect(createSession({ mode: 'bidirectional_translation', source_language: 'English' })).toBe(false);
  });

  it('accepts the documented analysis body and an empty one', () => {
    expect(errorsOf(createAnalysis, { profile: 'default', include: ['summary', 'sentiment', 'compliance', 'keywords', 'performance'] })).toEqual([]);
    expect(errorsOf(createAnalysis, {})).toEqual([]);
    expect(doc.paths['/v1/sessions/{session_id}/analysis'].post.requestBody.required).toBe(false);
  });

  it('rejects the older analysis body (analyses, language, webhook_url, custom_prompts)', () => {
    const old = {
      analyses: ['sentiment', 'topics', 'summary', 'action_items'], language: 'en',
      webhook_url: 'https://example.com/hook', custom_prompts: { summary: 'Be brief' },
    };
    expect(createAnalysis(old)).toBe(false);
    const extra = (createAnalysis.errors ?? []).filter((e) => e.keyword === 'additionalProperties').map((e) => e.params.additionalProperty);
    expect(extra.sort()).toEqual(['analyses', 'custom_prompts', 'language', 'webhook_url']);
    expect(createAnalysis({ include: ['topics'] })).toBe(false);
  });

  it('refuses read-only agent fields in a create-agent body', () => {
    expect(errorsOf(createAgent, { name: 'Support', system_prompt: 'Be kind.' })).toEqual([]);
    expect(createAgent({ id: 'agt_01HXYZ123456789', name: 'Support', system_prompt: 'Be kind.' })).toBe(false);
    expect(createAgent({ name: 'Support' })).toBe(false);
  });
});
