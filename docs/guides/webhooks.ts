// Webhook receiver: verify the signature over the raw bytes, answer 2xx fast, then process.
// Secret: KALLGLOT_WEBHOOK_SECRET (the local sandbox signs with whsec_kallglot_mock).
import { createServer } from 'node:http';
import { signWebhook, verifyWebhook, WebhookVerificationError } from '@kallglot/client';

const secret = process.env.KALLGLOT_WEBHOOK_SECRET ?? 'whsec_kallglot_mock';
const seen = new Set<string>(); // deliveries are retried: deduplicate on the event id

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks); // the exact bytes received: never verify re-serialized JSON
  try {
    const event = await verifyWebhook({ payload: rawBody, header: req.headers['kallglot-signature'] as string | undefined, secret });
    res.writeHead(204).end();
    if (seen.has(event.id)) return;
    seen.add(event.id);
    if (event.type === 'session.ended') console.log('session ended', event.data.id);
  } catch (err) {
    res.writeHead(err instanceof WebhookVerificationError ? 401 : 500).end();
  }
});
await new Promise<void>((resolve) => server.listen(3000, '127.0.0.1', resolve));
console.log('listening on http://127.0.0.1:3000/ for Kallglot webhooks');

// Try it: send the receiver one signed event, as Kallglot would, then stop (a real receiver keeps listening).
const payload = JSON.stringify({
  id: 'evt_01HXYZ123456789', object: 'webhook_event', type: 'session.ended', api_version: 'v1',
  created_at: new Date().toISOString(), data: { id: 'sess_01HXYZ123456789', object: 'session', status: 'ended' },
});
const res = await fetch('http://127.0.0.1:3000/', { method: 'POST', body: payload, headers: { 'Kallglot-Signature': await signWebhook({ payload, secret }) } });
console.log('delivery answered', res.status);
server.close();
