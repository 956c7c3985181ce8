// The replay's REST step for the one pipeline: a request the pipeline admitted and validated (auth, size, body,
// schema) is answered from the cassette, and the webhook deliveries that followed it in the recording are handed
// to `onWebhook` with their recorded delay. Plain objects only: node and MSW share it.
import type { PlainRequest, PlainResponse } from '../pipeline/types.js';
import type { RecordedWebhook } from './cassette.js';
import type { ReplayResponse, RestReplayer } from './rest.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A JSON or text answer as a string (the node adapter writes it with its head in one chunk); same bytes. */
function bodyOf(out: ReplayResponse): string | Uint8Array {
  if (!/json|text/.test(out.headers['content-type'] ?? '')) return out.body;
  try {
    return utf8.decode(out.body);
  } catch {
    return out.body;
  }
}

export function replayRoute(replayer: RestReplayer, onWebhook?: (w: RecordedWebhook, delayMs: number) => void) {
  const bodies = new WeakMap<ReplayResponse, string | Uint8Array>();
  return (req: PlainRequest, raw: Uint8Array, reqId: string): PlainResponse => {
    const out = replayer.handle({ method: req.method, path: req.pathname, query: req.query, headers: req.headers, body: raw });
    for (const w of out.webhooks) onWebhook?.(w, w.delayMs);
    let body = bodies.get(out);
    if (body === undefined) bodies.set(out, (body = bodyOf(out)));
    // Replayed headers are lower-case; a replayed answer keeps the recorded request id when it has one.
    const headers = out.headers['x-request-id'] === undefined ? { ...out.headers, 'x-request-id': reqId } : out.headers;
    return { status: out.status, headers, body };
  };
}
