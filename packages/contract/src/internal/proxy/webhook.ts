// The proxy's webhook relay (recording only): the upstream posts its signed deliveries to the proxy's own path
// (`/_kallglot/webhooks`), the proxy forwards each one unchanged to the receiver (`--webhook-url`), answers the
// upstream with the receiver's status (so the upstream's retries work as they would), and tells the observer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeAfterResponse, readLimited, readRequestBody } from './body.js';
import type { ProxyContext } from './context.js';
import { envelope, HOP } from './http.js';
import { flatHeaders, notify } from './observer.js';

/** Where the upstream posts webhooks while the proxy records; the path no API operation uses. */
export const WEBHOOK_RELAY_PATH = '/_kallglot/webhooks';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** `next` for every request but the relay's (when a relay target is set). */
export function withWebhookRelay(ctx: ProxyContext, next: Handler): Handler {
  if (!ctx.webhookUrl) return next;
  const target = ctx.webhookUrl;
  return (req, res) => {
    if ((req.url ?? '').split('?')[0] !== WEBHOOK_RELAY_PATH) return next(req, res);
    relayWebhook(ctx, target, req, res).catch((e: unknown) => {
      ctx.log(`! webhook relay: ${(e as Error).message}`);
      if (!res.headersSent) envelope(res, 502, 'api_error', 'upstream_error', 'The proxy could not relay the webhook.');
      else res.destroy();
    });
  };
}

async function relayWebhook(ctx: ProxyContext, target: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return envelope(res, 405, 'invalid_request_error', 'method_not_allowed', `The webhook relay takes POST; the upstream posts deliveries to ${WEBHOOK_RELAY_PATH}.`, { allow: 'POST' });
  const read = await readRequestBody(req, ctx.maxRequestBytes, ctx.bodyTimeoutMs);
  if (read.refusal) {
    closeAfterResponse(req, res);
    return envelope(res, read.refusal.status, 'invalid_request_error', read.refusal.code, read.refusal.message, { connection: 'close' });
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(flatHeaders(req.headers))) if (!HOP.has(k)) headers[k] = v;
  const time = Date.now();
  let status = 0;
  try {
    const out = await fetch(target, { method: 'POST', headers, body: new Uint8Array(read.body), signal: AbortSignal.timeout(ctx.timeoutMs), redirect: 'manual' });
    status = out.status;
    // A receiver's answer is small; past the request cap only its status goes back.
    const body = (await readLimited(out, ctx.maxRequestBytes)) ?? Buffer.alloc(0);
    res.writeHead(status, { 'content-type': out.headers.get('content-type') ?? 'text/plain', 'content-length': String(body.length) }).end(body);
    ctx.log(`↪ webhook → ${target} ${status}`);
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    ctx.log(`↪ webhook → ${target} failed: ${err.cause?.code ?? err.message}`);
    envelope(res, 502, 'api_error', 'upstream_error', `The webhook receiver ${target} did not answer (${err.name === 'TimeoutError' ? `timeout after ${ctx.timeoutMs} ms` : (err.cause?.code ?? 'connection failed')}).`);
  }
  notify(ctx.observer, 'onWebhook', { url: target, headers, body: read.body, status, time }, ctx.log);
}
