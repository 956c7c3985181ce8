// Seeded mutation corpus for the breaking-change gate. Each mutation edits a deep copy of the baseline
// (OpenAPI + AsyncAPI) the way a spec author might. Targets are found by operationId / message name, so
// the corpus follows the spec as it evolves; a target that cannot be found throws (the test then fails
// instead of silently testing nothing).
export interface Docs {
  openapi: any;
  asyncapi: any;
}
export interface Mutation {
  name: string;
  /** for breaking mutations: a rule the gate must report (substring of Change.rule) */
  expectRule?: string;
  apply(d: Docs): void;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function deref(doc: any, node: any): any {
  let n = node;
  for (let i = 0; n && typeof n.$ref === 'string' && i < 32; i++) {
    n = n.$ref.slice(2).split('/').map((s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~')).reduce((o: any, k: string) => o?.[k], doc);
  }
  if (!n) throw new Error(`mutation target not found: ${JSON.stringify(node)}`);
  return n;
}

function op(doc: any, operationId: string) {
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const method of METHODS) if (item[method]?.operationId === operationId) return { path, method, item, op: item[method] };
  }
  throw new Error(`operation ${operationId} not in the spec`);
}

function successStatus(o: any): string {
  const s = Object.keys(o.responses).find((k) => /^2/.test(k));
  if (!s) throw new Error(`${o.operationId} has no 2xx response`);
  return s;
}

/** The (shared, mutable) JSON schema of an operation's success response. */
function responseSchema(doc: any, operationId: string) {
  const { op: o } = op(doc, operationId);
  const r = deref(doc, o.responses[successStatus(o)]);
  return deref(doc, r.content['application/json'].schema);
}

function requestSchema(doc: any, operationId: string) {
  const { op: o } = op(doc, operationId);
  return deref(doc, deref(doc, o.requestBody).content['application/json'].schema);
}

function channelMessage(doc: any, name: string) {
  for (const ch of Object.values<any>(doc.channels)) {
    for (const [key, m0] of Object.entries<any>(ch.messages ?? {})) {
      const m = deref(doc, m0);
      if (m.name === name) return { channel: ch, key, message: m };
    }
  }
  throw new Error(`stream message ${name} not in the AsyncAPI`);
}

const payload = (doc: any, name: string) => deref(doc, channelMessage(doc, name).message.payload);

function firstOptional(schema: any): string {
  const p = Object.keys(schema.properties ?? {}).find((k) => !(schema.required ?? []).includes(k));
  if (!p) throw new Error(`${schema.title ?? 'schema'} has no optional property`);
  return p;
}

export const BREAKING: Mutation[] = [
  {
    name: 'remove a path (the transcript route)',
    expectRule: 'path-removed',
    apply: ({ openapi }) => void delete openapi.paths[op(openapi, 'retrieveSessionTranscript').path],
  },
  {
    name: 'remove an operation (DELETE agent)',
    expectRule: 'operation-removed',
    apply: ({ openapi }) => {
      const { item, method } = op(openapi, 'deleteAgent');
      delete item[method];
    },
  },
  {
    name: 'remove a response field (session.status)',
    expectRule: 'response-property-removed',
    apply: ({ openapi }) => {
      const s = responseSchema(openapi, 'retrieveSession');
      delete s.properties.status;
      s.required = s.required.filter((r: string) => r !== 'status');
    },
  },
  {
    name: 'make a required response field optional (session.status)',
    expectRule: 'response-property-became-optional',
    apply: ({ openapi }) => {
      const s = responseSchema(openapi, 'retrieveSession');
      if (!s.required.includes('status')) throw new Error('status is not required in Session');
      s.required = s.required.filter((r: string) => r !== 'status');
    },
  },
  {
    name: 'add a required query parameter (retrieveSession ?expand=)',
    expectRule: 'required-parameter-added',
    apply: ({ openapi }) => {
      const { op: o } = op(openapi, 'retrieveSession');
      o.parameters = [...(o.parameters ?? []), { name: 'expand', in: 'query', required: true, schema: { type: 'string' } }];
    },
  },
  {
    name: 'add a required request body field (createSession.priority)',
    expectRule: 'request-required-property-added',
    apply: ({ openapi }) => {
      const s = requestSchema(openapi, 'createSession');
      s.properties.priority = { type: 'integer' };
      s.required = [...(s.required ?? []), 'priority'];
    },
  },
  {
    name: 'make an optional request field required (createSession.source_language)',
    expectRule: 'request-property-became-required',
    apply: ({ openapi }) => {
      const s = requestSchema(openapi, 'createSession');
      if (!s.properties.source_language || s.required?.includes('source_language')) throw new Error('source_language is not optional');
      s.required = [...(s.required ?? []), 'source_language'];
    },
  },
  {
    name: 'narrow a request enum (createSession.mode loses a value)',
    expectRule: 'request-enum-narrowed',
    apply: ({ openapi }) => {
      const s = requestSchema(openapi, 'createSession');
      const mode = structuredClone(deref(openapi, s.properties.mode));
      mode.enum = mode.enum.slice(0, -1);
      s.properties.mode = mode; // inlined: only the request narrows
    },
  },
  {
    name: 'change a response field type (session.created_at string → integer)',
    expectRule: 'response-type-widened',
    apply: ({ openapi }) => {
      responseSchema(openapi, 'retrieveSession').properties.created_at = { type: 'integer' };
    },
  },
  {
    name: 'change a request field type (createSession.metadata object → string)',
    expectRule: 'request-type-narrowed',
    apply: ({ openapi }) => {
      requestSchema(openapi, 'createSession').properties.metadata = { type: 'string' };
    },
  },
  {
    name: 'change a success status (createSession 201 → 200)',
    expectRule: 'success-response-removed',
    apply: ({ openapi }) => {
      const { op: o } = op(openapi, 'createSession');
      o.responses['200'] = o.responses['201'];
      delete o.responses['201'];
    },
  },
  {
    name: 'remove a documented error response (retrieveSession 404)',
    expectRule: 'response-removed',
    apply: ({ openapi }) => {
      const { op: o } = op(openapi, 'retrieveSession');
      if (!o.responses['404']) throw new Error('retrieveSession has no 404');
      delete o.responses['404'];
    },
  },
  {
    name: 'widen a response enum (session status gains "paused")',
    expectRule: 'response-enum-widened',
    apply: ({ openapi }) => {
      deref(openapi, responseSchema(openapi, 'retrieveSession').properties.status).enum.push('paused');
    },
  },
  {
    name: 'remove a response header (X-Request-ID on createSession)',
    expectRule: 'response-header-removed',
    apply: ({ openapi }) => {
      const { op: o } = op(openapi, 'createSession');
      const r = structuredClone(deref(openapi, o.responses['201']));
      const h = Object.keys(r.headers ?? {}).find((k) => k.toLowerCase() === 'x-request-id');
      if (!h) throw new Error('createSession 201 has no X-Request-ID header');
      delete r.headers[h];
      o.responses['201'] = r;
    },
  },
  {
    name: 'change a parameter type (limit integer → string)',
    expectRule: 'request-type-narrowed',
    apply: ({ openapi }) => {
      const { op: o } = op(openapi, 'listAgents');
      o.parameters = o.parameters.map((p: any) => {
        const r = deref(openapi, p);
        return r.name === 'limit' ? { ...structuredClone(r), schema: { type: 'string' } } : p;
      });
    },
  },
  {
    name: 'make a response field nullable (session.mode may be null)',
    expectRule: 'response-type-widened',
    apply: ({ openapi }) => {
      const s = responseSchema(openapi, 'retrieveSession');
      s.properties.mode = { anyOf: [s.properties.mode, { type: 'null' }] };
    },
  },
  {
    name: 'remove a stream message (transcript.final)',
    expectRule: 'stream-message-removed',
    apply: ({ asyncapi }) => {
      const { channel, key } = channelMessage(asyncapi, 'transcript.final');
      delete channel.messages[key];
      for (const [id, o] of Object.entries<any>(asyncapi.operations)) {
        o.messages = (o.messages ?? []).filter((m: any) => !String(m.$ref).endsWith(`/messages/${key}`));
        if (o.messages.length === 0) delete asyncapi.operations[id];
      }
    },
  },
  {
    name: 'remove a field from a server message (pong.session_id)',
    expectRule: 'response-property-removed',
    apply: ({ asyncapi }) => {
      const p = payload(asyncapi, 'pong');
      delete p.properties.session_id;
      p.required = p.required.filter((r: string) => r !== 'session_id');
    },
  },
  {
    name: 'add a required field to a client message (audio.input.codec)',
    expectRule: 'request-required-property-added',
    apply: ({ asyncapi }) => {
      const p = payload(asyncapi, 'audio.input');
      p.properties.codec = { type: 'string' };
      p.required.push('codec');
    },
  },
  {
    name: 'change a server message field type (pong.session_id string → integer)',
    expectRule: 'response-type-widened',
    apply: ({ asyncapi }) => {
      payload(asyncapi, 'pong').properties.session_id = { type: 'integer' };
    },
  },
  {
    name: 'change the stream channel address',
    expectRule: 'asyncapi-diff',
    apply: ({ asyncapi }) => {
      const ch = Object.values<any>(asyncapi.channels)[0];
      ch.address = ch.address.replace('/connect', '/stream');
    },
  },
  {
    name: 'remove a close code (4009 session_ended)',
    expectRule: 'close-code-removed',
    apply: ({ asyncapi }) => {
      const ch = Object.values<any>(asyncapi.channels)[0];
      const codes = ch['x-kallglot-close-codes'];
      if (!Array.isArray(codes)) throw new Error('channel has no x-kallglot-close-codes list');
      const before = codes.length;
      ch['x-kallglot-close-codes'] = codes.filter((c: any) => c.code !== 4009);
      if (ch['x-kallglot-close-codes'].length === before) throw new Error('no close code 4009');
    },
  },
];

export const NON_BREAKING: Mutation[] = [
  {
    name: 'add an optional response field (session.region)',
    apply: ({ openapi }) => void (responseSchema(openapi, 'retrieveSession').properties.region = { type: 'string' }),
  },
  {
    name: 'add an optional request field (createSession.label)',
    apply: ({ openapi }) => void (requestSchema(openapi, 'createSession').properties.label = { type: 'string', maxLength: 64 }),
  },
  {
    name: 'add a new path (GET /v1/languages)',
    apply: ({ openapi }) => {
      openapi.paths['/v1/languages'] = {
        get: {
          operationId: 'listLanguages',
          summary: 'List languages',
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: { type: 'string' } } } } } },
        },
      };
    },
  },
  {
    name: 'add a new operation on an existing path (PUT agent)',
    apply: ({ openapi }) => {
      const { item } = op(openapi, 'retrieveAgent');
      if (item.put) throw new Error('agent path already has PUT');
      item.put = { operationId: 'replaceAgent', responses: { '200': { description: 'ok' } } };
    },
  },
  {
    name: 'reword descriptions and summaries everywhere',
    apply: ({ openapi, asyncapi }) => {
      const walk = (n: any) => {
        if (!n || typeof n !== 'object') return;
        for (const k of Object.keys(n)) {
          if ((k === 'description' || k === 'summary') && typeof n[k] === 'string') n[k] = `${n[k]} (reworded)`;
          else walk(n[k]);
        }
      };
      walk(openapi.paths);
      walk(openapi.components);
      walk(asyncapi.channels);
    },
  },
  {
    name: 'add a value to a request enum (createSession.mode)',
    apply: ({ openapi }) => {
      const s = requestSchema(openapi, 'createSession');
      const mode = structuredClone(deref(openapi, s.properties.mode));
      mode.enum.push('conference_interpretation');
      s.properties.mode = mode;
    },
  },
  {
    name: 'add an optional query parameter (retrieveSession ?expand=)',
    apply: ({ openapi }) => {
      const { op: o } = op(openapi, 'retrieveSession');
      o.parameters = [...(o.parameters ?? []), { name: 'expand', in: 'query', required: false, schema: { type: 'string' } }];
    },
  },
  {
    name: 'document a new error response (retrieveAgent 410)',
    apply: ({ openapi }) => {
      const { op: o } = op(openapi, 'retrieveAgent');
      o.responses['410'] = structuredClone(o.responses['404'] ?? { description: 'gone' });
    },
  },
  {
    name: 'make a required request field optional (createSession.mode)',
    apply: ({ openapi }) => {
      const s = requestSchema(openapi, 'createSession');
      s.required = (s.required ?? []).filter((r: string) => r !== 'mode');
    },
  },
  {
    name: 'make an optional response field required',
    apply: ({ openapi }) => {
      const s = responseSchema(openapi, 'retrieveSession');
      s.required = [...s.required, firstOptional(s)];
    },
  },
  {
    name: 'relax a request constraint (listAgents limit maximum 100 → 200)',
    apply: ({ openapi }) => {
      const { op: o } = op(openapi, 'listAgents');
      let found = false;
      o.parameters = o.parameters.map((p: any) => {
        const r = deref(openapi, p);
        if (r.name !== 'limit') return p;
        found = true;
        return { ...structuredClone(r), schema: { ...deref(openapi, r.schema), maximum: 200 } };
      });
      if (!found) throw new Error('listAgents has no limit');
    },
  },
  {
    name: 'add an unused component schema and an example',
    apply: ({ openapi }) => {
      openapi.components.schemas.Language = { type: 'object', properties: { code: { type: 'string' } } };
      const s = requestSchema(openapi, 'createSession');
      s.examples = [...(s.examples ?? []), { mode: 'ai_agent' }];
    },
  },
  {
    name: 'respell a nullable enum between `type: [string, null]` + enum and anyOf [enum, null] (session.provider)',
    apply: ({ openapi }) => {
      const s = responseSchema(openapi, 'retrieveSession');
      const p = deref(openapi, s.properties.provider);
      const types: string[] = [].concat(p.type ?? []);
      if (types.includes('null') && Array.isArray(p.enum)) {
        const { type: _t, enum: values, ...rest } = p;
        s.properties.provider = { ...rest, anyOf: [{ type: 'string', enum: values.filter((v: unknown) => v !== null) }, { type: 'null' }] };
        return;
      }
      const variants: any[] = p.anyOf ?? p.oneOf ?? [];
      const plain = variants.map((v) => deref(openapi, v)).find((v) => Array.isArray(v.enum));
      if (!plain || !variants.some((v) => deref(openapi, v).type === 'null')) throw new Error('session.provider is not a nullable enum');
      const { anyOf: _a, oneOf: _o, ...rest } = p;
      s.properties.provider = { ...rest, type: [plain.type, 'null'], enum: [...plain.enum, null] };
    },
  },
  {
    name: 'add a value to a response enum marked x-kallglot-open-enum (session status)',
    apply: ({ openapi }) => {
      const status = deref(openapi, responseSchema(openapi, 'retrieveSession').properties.status);
      status['x-kallglot-open-enum'] = true;
      status.enum.push('paused');
    },
  },
  {
    name: 'add a new server stream message (translation.audio)',
    apply: ({ asyncapi }) => {
      const ch = Object.values<any>(asyncapi.channels)[0];
      const channelId = Object.keys(asyncapi.channels)[0];
      asyncapi.components.messages.translationAudio = {
        name: 'translation.audio',
        contentType: 'application/json',
        payload: { type: 'object', required: ['type'], properties: { type: { type: 'string', const: 'translation.audio' }, payload: { type: 'string' } } },
      };
      ch.messages.translationAudio = { $ref: '#/components/messages/translationAudio' };
      asyncapi.operations.sendTranslationAudio = {
        action: 'send',
        channel: { $ref: `#/channels/${channelId}` },
        messages: [{ $ref: `#/channels/${channelId}/messages/translationAudio` }],
      };
    },
  },
  {
    name: 'add an optional field to a server message (session.ready.region)',
    apply: ({ asyncapi }) => void (payload(asyncapi, 'session.ready').properties.region = { type: 'string' }),
  },
  {
    name: 'add an optional field to a client message (ping.nonce)',
    apply: ({ asyncapi }) => void (payload(asyncapi, 'ping').properties.nonce = { type: 'string' }),
  },
  {
    name: 'add a close code (4010)',
    apply: ({ asyncapi }) => {
      const ch = Object.values<any>(asyncapi.channels)[0];
      ch['x-kallglot-close-codes'] = [...ch['x-kallglot-close-codes'], { code: 4010, name: 'reserved_example', description: 'example' }];
    },
  },
];
