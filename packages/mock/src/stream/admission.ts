// Who may connect: the connect path names a session, the token was issued for it and has not expired, and the
// session has not ended. Token and session checks are the engine's (`Engine.streamConnect`); this file only reads
// the URL and decides what an unknown token means.
import { TOKEN_PATTERN, type MockSession, type SessionRegistry } from '../registry.js';

const PATH = /^\/v1\/sessions\/([^/]+)\/connect\/?$/;
const SESSION_ID = /^sess_[A-Za-z0-9]+$/;

export type Refusal = 'session_not_found' | 'token_invalid' | 'token_expired' | 'session_ended';

export type Admission = { ok: true; sessionId: string; session: MockSession | undefined } | { ok: false; refusal: Refusal; sessionId: string };

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return '';
  }
}

/**
 * The token's verdict for `sessionId`: refused, or accepted. A well-formed `kst_` token the engine never issued is
 * accepted only with `acceptUnknown` (the stand-alone stream mock's default).
 */
export function checkToken(registry: SessionRegistry, sessionId: string, token: string | null, acceptUnknown: boolean): Refusal | undefined {
  if (!token || !TOKEN_PATTERN.test(token)) return 'token_invalid';
  const verdict = registry.engine.streamConnect(sessionId, token);
  if (verdict.refused) return verdict.refused;
  if (!verdict.session && !acceptUnknown) return 'token_invalid';
  return undefined;
}

/** Admit or refuse a connection to `url` (path + query). */
export function admit(registry: SessionRegistry, url: URL, acceptUnknown: boolean): Admission {
  const m = PATH.exec(url.pathname);
  const sessionId = m ? safeDecode(m[1]!) : '';
  if (!m || !SESSION_ID.test(sessionId)) return { ok: false, refusal: 'session_not_found', sessionId };
  const refusal = checkToken(registry, sessionId, url.searchParams.get('token'), acceptUnknown);
  if (refusal) return { ok: false, refusal, sessionId };
  const session = registry.sessions.get(sessionId);
  if (session?.status === 'ended') return { ok: false, refusal: 'session_ended', sessionId };
  return { ok: true, sessionId, session };
}
