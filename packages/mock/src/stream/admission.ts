// Who may connect: the connect path names a session, the token was issued for it and has not expired, and the
// session has not ended. Token and session checks are the engine's (`Engine.streamConnect`); this file only reads
// the URL and decides what an unknown token means. A token minted under a live key (`sk_live_…`, or a `kst_live_…`
// token) is refused like an invalid one, with a message: the sandbox takes test keys only.
import { STREAM_MOCK_TENANT, TOKEN_PATTERN, type MockSession, type SessionRegistry } from '../registry.js';

const PATH = /^\/v1\/sessions\/([^/]+)\/connect\/?$/;
const SESSION_ID = /^sess_[A-Za-z0-9]+$/;

export type Refusal = 'session_not_found' | 'token_invalid' | 'token_expired' | 'session_ended';

export type Admission =
  | { ok: true; sessionId: string; session: MockSession | undefined }
  | { ok: false; refusal: Refusal; reason: string; sessionId: string; /** Sent in a session.error before the close, when set. */ message?: string };

export const LIVE_KEY_MESSAGE =
  'This stream token belongs to a live key (sk_live_…). The sandbox takes sk_test_… keys only, and a live key does not belong in local tools: create the session with a test key and connect with its token.';
const LIVE_KEY_REASON = 'token_invalid: a live key\'s token; the sandbox takes sk_test_… keys only';

/** True for a token minted under a live key. */
function isLive(token: string, tenant: string | undefined): boolean {
  return token.startsWith('kst_live_') || !!tenant?.startsWith('sk_live_');
}

/** Close reasons that name the fix (a close reason is at most 123 bytes). */
const REASONS: Record<Refusal, string> = {
  session_not_found: 'session_not_found: no session with that id; create one with your API key',
  token_invalid: 'token_invalid: unknown token. Create or retrieve the session with your API key and use its stream.token',
  token_expired: 'token_expired: retrieve the session with your API key for a fresh stream.token',
  session_ended: 'session_ended: the session is over; create a new session',
};
const MALFORMED = 'token_invalid: the token query parameter is missing or malformed; use the session\'s stream.token (kst_…)';
const OTHER_SESSION = 'token_invalid: this token was minted for another session. Use the stream.token of this session';

export interface TokenVerdict { refusal: Refusal; reason: string; message?: string }

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return '';
  }
}

/**
 * The token policy. A token opens only the session it was minted for, under the key that minted it, until it
 * expires (the engine's `streamConnect` checks that). An unknown token is refused unless `acceptUnknown` (opt-in,
 * for hand-made tokens), and even then it never opens a session an API key created.
 */
export function checkToken(registry: SessionRegistry, sessionId: string, token: string | null, acceptUnknown: boolean): TokenVerdict | undefined {
  if (!token || !TOKEN_PATTERN.test(token)) return { refusal: 'token_invalid', reason: MALFORMED };
  const verdict = registry.engine.streamConnect(sessionId, token);
  if (isLive(token, verdict.tenant)) return { refusal: 'token_invalid', reason: LIVE_KEY_REASON, message: LIVE_KEY_MESSAGE };
  if (verdict.refused) {
    const minted = registry.engine.tokens.get(token);
    const other = verdict.refused === 'token_invalid' && minted !== undefined && minted.sessionId !== sessionId;
    return { refusal: verdict.refused, reason: other ? OTHER_SESSION : REASONS[verdict.refused] };
  }
  if (verdict.session) return undefined;
  const owner = registry.engine.findSession(sessionId)?.tenant;
  if (acceptUnknown && (owner === undefined || owner === STREAM_MOCK_TENANT)) return undefined;
  return { refusal: 'token_invalid', reason: REASONS.token_invalid };
}

/** Admit or refuse a connection to `url` (path + query). */
export function admit(registry: SessionRegistry, url: URL, acceptUnknown: boolean): Admission {
  const m = PATH.exec(url.pathname);
  const sessionId = m ? safeDecode(m[1]!) : '';
  if (!m || !SESSION_ID.test(sessionId)) return { ok: false, refusal: 'session_not_found', reason: REASONS.session_not_found, sessionId };
  const verdict = checkToken(registry, sessionId, url.searchParams.get('token'), acceptUnknown);
  if (verdict) return { ok: false, ...verdict, sessionId };
  const session = registry.sessions.get(sessionId);
  if (session?.status === 'ended') return { ok: false, refusal: 'session_ended', reason: REASONS.session_ended, sessionId };
  return { ok: true, sessionId, session };
}
