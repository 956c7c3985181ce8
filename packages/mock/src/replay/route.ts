// The replay's REST step for the one pipeline: a request the pipeline admitted and validated (auth, size, body,
// schema) is answered from the cassette, and the webhook deliveries that followed it in the recording are handed
// to `onWebhook` with their recorded delay. Plain objects only: node and MSW share it.
import type { PlainRequest, PlainResponse } from '../pipeline/types.js';
import type { RecordedWebhook } from './cassette.js';
import type { RestReplayer } from './rest.js';

export function replayRoute(replayer: RestReplayer, onWebhook?: (w: RecordedWebhook, delayMs: number) => void) {
  return (req: PlainRequest, raw: Uint8Array, reqId: string): PlainResponse => {
    const out = replayer.handle({ method: req.method, path: req.pathname, query: req.query, headers: req.headers, body: raw });
    for (const w of out.webhooks) onWebhook?.(w, w.delayMs);
    const headers = { ...out.headers };
    // A miss carries its own request id; a replayed answer keeps the recorded one when it has one.
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'x-request-id')) headers['x-request-id'] = reqId;
    return { status: out.status, headers, body: out.body };
  };
}
