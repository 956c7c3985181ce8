// `GET /_mock/sessions/{id}/diagnostics`: the audio diagnostics the stream kept for a session (a WAV header, audio
// too fast for 8 kHz, 16-bit PCM bytes, frames far from 100–200 ms), oldest first, as `{ object: 'list', data }`.
import { diagnosticsStoreFor, type StoredDiagnostic } from '../audio/diagnostics-store.js';
import type { Engine } from '../engine/index.js';

const PATH = /^\/_mock\/sessions\/([^/]+)\/diagnostics\/?$/;

export type DiagnosticsAnswer = { status: 200; body: { object: 'list'; data: StoredDiagnostic[] } } | { status: 404; message: string };

/** The answer for `method path`, or undefined when it is not this route. */
export function sessionDiagnosticsRoute(method: string, pathname: string, engine: Engine): DiagnosticsAnswer | undefined {
  const m = PATH.exec(pathname);
  if (!m || method !== 'GET') return undefined;
  let id: string;
  try {
    id = decodeURIComponent(m[1]!);
  } catch {
    id = m[1]!;
  }
  const data = diagnosticsStoreFor(engine).list(id);
  if (!data.length && !engine.findSession(id)) return { status: 404, message: `No session '${id.slice(0, 64)}' in this sandbox: use the id of a session you created (sess_…).` };
  return { status: 200, body: { object: 'list', data } };
}
