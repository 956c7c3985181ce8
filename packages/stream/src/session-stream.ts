// Fresh stream tokens for reconnects, from GET /v1/sessions/{id}. Typed structurally against the
// openapi-fetch client that @kallglot/client returns, so this module does not import it (browser bundles stay lean).
import type { StreamTarget, ReconnectContext } from './client.js';

/** The part of `createKallglotClient()`'s result this helper uses. */
export interface SessionsClientLike {
  GET(
    path: '/v1/sessions/{session_id}',
    init: { params: { path: { session_id: string } } },
  ): Promise<{ data?: unknown; error?: unknown; response?: { status: number } }>;
}

export class SessionStreamError extends Error {
  override readonly name = 'SessionStreamError';
  readonly status: number | undefined;
  readonly body: unknown;
  constructor(message: string, status?: number, body?: unknown) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** Calls `GET /v1/sessions/{session_id}` and returns the session's current `stream` object (`{ url, token, expires_at }`). */
export async function fetchSessionStream(client: SessionsClientLike, sessionId: string): Promise<StreamTarget> {
  const { data, error, response } = await client.GET('/v1/sessions/{session_id}', { params: { path: { session_id: sessionId } } });
  if (error !== undefined || !data) {
    const e = (error as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new SessionStreamError(`GET /v1/sessions/${sessionId} failed${response ? ` (${response.status})` : ''}${e ? `: ${e.code ?? ''} ${e.message ?? ''}`.trimEnd() : ''}`, response?.status, error);
  }
  const session = data as { status?: string; stream?: StreamTarget | null };
  if (!session.stream?.url || !session.stream?.token) {
    throw new SessionStreamError(`Session ${sessionId} has no stream (status ${session.status ?? 'unknown'}); only active sessions can be streamed`, response?.status, data);
  }
  return { url: session.stream.url, token: session.stream.token, expires_at: session.stream.expires_at ?? null };
}

/**
 * Builds a `reconnect.getStream` callback that fetches a fresh stream token for `sessionId`:
 * `connectStream({ stream, reconnect: { getStream: sessionStreamProvider(client, id) } })`.
 */
export function sessionStreamProvider(client: SessionsClientLike, sessionId: string): (ctx?: ReconnectContext) => Promise<StreamTarget> {
  return () => fetchSessionStream(client, sessionId);
}
