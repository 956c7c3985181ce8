// Webhook receiver: verify the signature over the raw bytes, answer 2xx fast, then process.
import { createServer } from 'node:http';
import { verifyWebhook, WebhookVerificationError } from '@kallglot/client';

createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks); // the exact bytes received: never verify re-serialized JSON
  try {
    const event = await verifyWebhook({
      payload: rawBody,
      header: req.headers['kallglot-signature'] as string | undefined,
      secret: process.env.KALLGLOT_WEBHOOK_SECRET!,
    });
    res.writeHead(204).end();
    if (event.type === 'session.ended') console.log('session ended', event.data);
  } catch (err) {
    res.writeHead(err instanceof WebhookVerificationError ? 401 : 500).end();
  }
}).listen(3000);
