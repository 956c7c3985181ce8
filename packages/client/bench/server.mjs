// Loopback API stand-in for the benchmark, run in its own process so its work does not share the
// client's event loop. Answers every request with the same Agent JSON and the usual API headers.
import { createServer } from 'node:http';

const body = JSON.stringify({
  id: 'agt_01HXYZ123456789',
  object: 'agent',
  name: 'Support',
  description: 'First-line support in English and Spanish.',
  system_prompt: 'You are a friendly support agent for Acme. Keep answers short.',
  voice: 'nova',
  temperature: 0.7,
  knowledge_base_id: 'kb_01ABC123',
  tools: [{ name: 'lookup_order', description: 'Look up an order by its number.', parameters: { type: 'object', properties: { order_number: { type: 'string' } }, required: ['order_number'] } }],
  metadata: null,
  created_at: '2026-03-26T10:00:00Z',
  updated_at: '2026-03-26T10:00:00Z',
});
const headers = {
  'content-type': 'application/json',
  'content-length': String(Buffer.byteLength(body)),
  'x-request-id': 'req_bench',
  'x-ratelimit-limit': '120',
  'x-ratelimit-remaining': '118',
  'x-ratelimit-reset': '1711454460',
  'x-api-credits-remaining': '412',
  'x-api-credits-used': '588',
};
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
process.on('disconnect', () => server.close(() => process.exit(0)));
process.on('SIGTERM', () => process.exit(0));
