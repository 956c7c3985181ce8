// The one change a replayed body gets: every `stream.url` points at the replay's own stream server (same path,
// so the session id stays). The token stays the cassette's placeholder (`kst_REDACTED_<n>`), which the replay's
// stream accepts. Done on the text, so every other byte is the recorded one.

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();
const MAX_DEPTH = 32;

/** `body` with each `stream.url` moved onto `streamBase` (e.g. `ws://127.0.0.1:4011`); unchanged when there is none. */
export function rewriteStreamUrls(body: Uint8Array, streamBase: string | undefined): Uint8Array {
  if (!streamBase || body.length === 0) return body;
  let text: string;
  let doc: unknown;
  try {
    text = decoder.decode(body);
    if (!text.includes('"stream"')) return body;
    doc = JSON.parse(text);
  } catch {
    return body;
  }
  const urls = new Set<string>();
  collectStreamUrls(doc, urls, 0);
  if (urls.size === 0) return body;
  let out = text;
  for (const url of urls) {
    const next = moveOrigin(url, streamBase);
    if (next === url) continue;
    const from = JSON.stringify(url).slice(1, -1);
    const to = JSON.stringify(next).slice(1, -1);
    out = out.split(`"${from}"`).join(`"${to}"`).split(`"${from.replace(/\//g, '\\/')}"`).join(`"${to}"`);
  }
  return encoder.encode(out);
}

function collectStreamUrls(node: unknown, out: Set<string>, depth: number): void {
  if (depth > MAX_DEPTH || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const v of node) collectStreamUrls(v, out, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(node)) {
    if (k === 'stream' && v && typeof v === 'object' && typeof (v as { url?: unknown }).url === 'string') out.add((v as { url: string }).url);
    collectStreamUrls(v, out, depth + 1);
  }
}

/** The recorded URL's path and query under the replay's base (a base path is kept as a prefix). */
export function moveOrigin(url: string, streamBase: string): string {
  let recorded: URL;
  try {
    recorded = new URL(url);
  } catch {
    return url;
  }
  const base = new URL(streamBase);
  const prefix = base.pathname.replace(/\/+$/, '');
  return `${base.protocol}//${base.host}${prefix}${recorded.pathname}${recorded.search}`;
}
