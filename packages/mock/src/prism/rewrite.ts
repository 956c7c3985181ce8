// Example rewriting for the stateless mode: Prism answers with the spec's examples; we reflect path ids, the
// sessions the mock knows (status, languages, times) and hand out a live local stream URL and token. A change
// is kept only when the documented response schema still accepts the result.
import type { OpenApiModel, OperationSpec } from '../internal/openapi-model.js';
import { ulidLike } from '../internal/errors.js';
import type { JsonObject } from '../internal/schema.js';
import type { MockSession, SessionRegistry } from '../registry.js';

export interface RewriterOptions {
  model: OpenApiModel;
  registry: SessionRegistry;
  /** Base of the stream URLs handed out; without it stream objects stay as the example has them. */
  streamBase?: string;
  log(line: string): void;
}

export type PostProcess = (op: OperationSpec, status: number, params: Record<string, string>, reqBody: unknown, body: JsonObject) => JsonObject;

const iso = (d?: Date) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : null);
const samePrefix = (a: unknown, b: string) => typeof a === 'string' && a.includes('_') && b.startsWith(a.slice(0, a.indexOf('_') + 1));

/** Reflect path ids into the example so `retrieve X` returns X. */
function reflectIds(b: JsonObject, pathIds: string[]): void {
  for (const id of pathIds) {
    if (samePrefix(b.id, id)) b.id = id;
    if (id.startsWith('sess_')) {
      if (typeof b.session_id === 'string') b.session_id = id;
      if (Array.isArray(b.data)) for (const d of b.data as JsonObject[]) if (d && typeof d.session_id === 'string') d.session_id = id;
      if (typeof b.id === 'string' && b.id.startsWith('trn_')) b.id = `trn_${id}`;
    }
  }
}

function needsIds(body: JsonObject, pathIds: string[]): boolean {
  return pathIds.some(
    (id) =>
      (samePrefix(body.id, id) && body.id !== id) ||
      (id.startsWith('sess_') && ((typeof body.session_id === 'string' && body.session_id !== id) || Array.isArray(body.data) || (typeof body.id === 'string' && body.id.startsWith('trn_')))),
  );
}

/** Reflect what the mock knows about its own sessions; anything else stays as the example has it. */
function reflectKnown(b: JsonObject, known: MockSession): void {
  if ('status' in b) b.status = known.status;
  if (known.mode && 'mode' in b) b.mode = known.mode;
  if ('source_language' in b && known.sourceLanguage !== undefined) b.source_language = known.sourceLanguage ?? null;
  if ('target_language' in b && known.targetLanguage !== undefined) b.target_language = known.targetLanguage ?? null;
  if ('metadata' in b && known.metadata !== undefined) b.metadata = (known.metadata ?? null) as JsonObject | null;
  if ('created_at' in b) b.created_at = iso(known.createdAt);
  if ('started_at' in b) b.started_at = iso(known.startedAt);
  if ('ended_at' in b) b.ended_at = iso(known.endedAt);
  if (known.status === 'ended') delete b.stream;
}

export function createRewriter(o: RewriterOptions): PostProcess {
  const { registry, streamBase } = o;

  /** Apply a change to a JSON body and keep it only if the documented response schema still accepts the result. */
  function tryRewrite(op: OperationSpec, status: number, body: JsonObject, change: (b: JsonObject) => boolean | void): JsonObject {
    const copy = structuredClone(body);
    // `false` means nothing changed: skip the schema check.
    if (change(copy) === false) return body;
    const v = o.model.validateResponse(op, status, copy);
    if (!v || v(copy)) return copy;
    o.log(`rewrite of ${op.operationId} ${status} rejected by the response schema; kept the example`);
    return body;
  }

  function rewriteStream(s: JsonObject, sessionId: string) {
    if (!s.stream || typeof s.stream !== 'object' || !streamBase) return;
    const t = registry.issueToken(sessionId);
    const stream = s.stream as JsonObject;
    stream.url = `${streamBase}/v1/sessions/${encodeURIComponent(sessionId)}/connect`;
    stream.token = t.token;
    if ('expires_at' in stream) stream.expires_at = iso(t.expiresAt);
  }

  function createSession(op: OperationSpec, status: number, reqBody: unknown, body: JsonObject): JsonObject {
    const input = (reqBody ?? {}) as JsonObject;
    const meta = input.metadata as JsonObject | undefined;
    const s = registry.createSession({
      mode: typeof input.mode === 'string' ? input.mode : undefined,
      sourceLanguage: (input.source_language as string | undefined) ?? null,
      targetLanguage: (input.target_language as string | undefined) ?? null,
      metadata: meta ?? null,
      scenario: typeof meta?.kallglot_mock_scenario === 'string' ? meta.kallglot_mock_scenario : undefined,
    });
    body = tryRewrite(op, status, body, (b) => {
      b.id = s.id;
      if ('status' in b) b.status = 'created';
      if ('created_at' in b) b.created_at = iso(s.createdAt);
      for (const k of ['mode', 'source_language', 'target_language', 'metadata'] as const) {
        if (k in input) b[k] = input[k]!;
        else if (k !== 'mode' && k in b) b[k] = null;
      }
    });
    // The local URL is ws://, which a wss-only documented pattern would reject: applied unconditionally.
    rewriteStream(body, s.id);
    return body;
  }

  return (op, status, params, reqBody, body) => {
    const pathIds = Object.values(params);
    if (needsIds(body, pathIds)) body = tryRewrite(op, status, body, (b) => reflectIds(b, pathIds));
    if (op.operationId === 'createSession') return createSession(op, status, reqBody, body);
    if (op.operationId === 'endSession') {
      const id = params[op.pathParamNames[0] ?? 'id'] ?? String(body.id);
      registry.endSession(id, 'api_end');
      return body;
    }
    if (op.operationId === 'createSessionAnalysis') {
      body = tryRewrite(op, status, body, (b) => {
        if (typeof b.id === 'string' && b.id.startsWith('anl_')) b.id = `anl_${ulidLike()}`;
      });
    }
    // Any session object with a stream gets a live local URL and token.
    if (body.object === 'session' && body.stream) {
      const id = String(body.id);
      const known = registry.sessions.get(id);
      body = tryRewrite(op, status, body, (b) => {
        if (known) reflectKnown(b, known);
      });
      if (body.stream) rewriteStream(body, id);
    }
    return body;
  };
}
