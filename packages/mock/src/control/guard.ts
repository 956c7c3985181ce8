// Who may use the control plane (/_mock/). A web page can send a "simple" cross-origin POST (text/plain, a form,
// no body) without a preflight, and CORS only hides the answer: so writes need `Content-Type: application/json`
// (which forces a preflight the mock answers only for the docs site), a foreign `Origin` is refused outright, and an
// optional token (`--control-token`) locks every route.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface ControlRefusal {
  status: 401 | 403 | 415;
  message: string;
  param: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The mock's own page: an Origin equal to the Host the request was sent to, on a loopback name (not a rebound DNS name). */
function sameLoopbackOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const o = new URL(origin);
    return o.protocol === 'http:' && o.host === host && LOOPBACK.has(o.hostname);
  } catch {
    return false;
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return !!m && timingSafeEqual(digest(m[1]!), digest(token));
}

/**
 * Refuse a control request, or undefined to let it through. `corsAllowed` is true when the request's Origin is one
 * the mock answers CORS for (the docs site on 127.0.0.1/localhost).
 */
export function refuseControl(req: IncomingMessage, method: string, corsAllowed: boolean, token?: string): ControlRefusal | undefined {
  if (token && !tokenMatches(req.headers.authorization, token)) {
    return { status: 401, param: 'Authorization', message: "This sandbox's control plane needs its token: send 'Authorization: Bearer <the --control-token the mock was started with>' (createMockControl(url, { token }))." };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !corsAllowed && !sameLoopbackOrigin(origin, req.headers.host)) {
    return { status: 403, param: 'Origin', message: `The control plane takes no requests from other web pages (Origin ${JSON.stringify(origin.slice(0, 100))}). Call it from a script, the docs site or the mock's own origin on 127.0.0.1/localhost.` };
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (ct !== 'application/json') {
      return { status: 415, param: 'Content-Type', message: `Control writes need 'Content-Type: application/json' (got ${ct ? `'${ct.slice(0, 60)}'` : 'none'}); send a JSON body, '{}' when there is nothing to say.` };
    }
  }
  return undefined;
}
