// Where the client connects: the stream URL with its token, checked before any socket is opened.
import type { ConnectStreamOptions, StreamTarget } from '../client-types.js';
import { StreamConnectError } from '../errors.js';

export function buildUrl(target: StreamTarget): string {
  const u = new URL(target.url);
  if (target.token) u.searchParams.set('token', target.token);
  return u.toString();
}

/** The URL without its token, for error messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.searchParams.has('token')) u.searchParams.set('token', '***');
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

export function resolveTarget(options: ConnectStreamOptions): StreamTarget {
  const url = options.stream?.url ?? options.url;
  const token = options.stream?.token ?? options.token;
  if (!url) throw new StreamConnectError(0, 'invalid_url', '', 'connectStream: `url` (or `stream.url`) is required');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StreamConnectError(0, 'invalid_url', '', `connectStream: not a valid URL: ${JSON.stringify(safeUrl(url))}`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new StreamConnectError(0, 'invalid_url', '', `connectStream: the stream URL must use ws: or wss:, got ${parsed.protocol}`);
  }
  const effective = token ?? parsed.searchParams.get('token') ?? '';
  if (!effective) {
    throw new StreamConnectError(4001, 'token_missing', '', 'connectStream: a stream token is required (`token`, `stream.token`, or `?token=` in the URL); get one from POST /v1/sessions or GET /v1/sessions/{id}', 'new_token');
  }
  return { url, token: effective };
}
