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
  // A recorded answer that carries its request id is the same frozen response every time (the node adapter then
  // merges its headers once); one without gets this request's id on a copy.
  const ready = new WeakMap<ReplayResponse, PlainResponse>();
  return (req: PlainRequest, raw: Uint8Array, reqId: string): PlainResponse => {
    const out = replayer.handle({ method: req.method, path: req.pathname, query: req.query, headers: req.headers, body: raw });
    for (const w of out.webhooks) onWebhook?.(w, w.delayMs);
    let plain = ready.get(out);
    if (plain === undefined) {
      plain = Object.freeze({ status: out.status, headers: out.headers, body: bodyOf(out) });
      if (out.recorded !== null) ready.set(out, plain);
    }
    // Replayed headers are lower-case; a replayed answer keeps the recorded request id when it has one.
    if (out.headers['x-request-id'] !== undefined) return plain;
    return { status: plain.status, headers: { ...out.headers, 'x-request-id': reqId }, body: plain.body };
  };
}
