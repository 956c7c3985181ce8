// `kallglot.sessions.connect(sessionOrId, options)`: the @kallglot/stream connection of a session, whose
// reconnects fetch a fresh token by retrieving the session. @kallglot/stream is loaded on the first call with a
// dynamic import, so an app that never streams carries none of it (bundlers split it into its own chunk).
import type { ConnectStreamOptions, StreamClient, StreamTarget } from '@kallglot/stream';
import { KallglotError } from '../errors.js';

export type SessionConnectOptions = Omit<ConnectStreamOptions, 'url' | 'token' | 'stream'>;
type SessionLike = { id: string; status?: string; stream?: StreamTarget | null };

export type Retrieve = (sessionId: string) => PromiseLike<SessionLike>;

function streamOf(session: SessionLike): StreamTarget {
  if (!session.stream?.url || !session.stream.token) {
    throw new KallglotError(`session ${session.id} has no stream (status ${session.status ?? 'unknown'}): only a created or active session can be streamed; create a new one`);
  }
  return session.stream;
}

export async function connectSession(retrieve: Retrieve, sessionOrId: string | SessionLike, options: SessionConnectOptions = {}): Promise<StreamClient> {
  const given = typeof sessionOrId === 'string' ? undefined : sessionOrId;
  const id = given?.id ?? sessionOrId;
  if (typeof id !== 'string' || !id) throw new TypeError('sessions.connect(): pass a session or its id');
  const stream = streamOf(given?.stream ? given : await retrieve(id));
  const mod = await import('@kallglot/stream');
  const { reconnect } = options;
  const r = typeof reconnect === 'object' ? reconnect : {};
  return mod.connectStream({
    ...options,
    stream,
    // A new token when the server refused the old one (4001/4002), from GET /v1/sessions/{id}.
    reconnect: reconnect === false ? false : { ...r, getStream: r.getStream ?? (async () => streamOf(await retrieve(id))) },
  });
}
