// Servers for mock.bench.mjs, one per child process so their work never shares the load generator's event loop.
// argv[2]: stream-mock | bare-ws | rest-mock | rest-mock-nocache | rest-sandbox | sandbox | plain-http.
// Prints {"port":N,...} on stdout when listening; answers an IPC 'stats' message with memory and counters.
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv[2];
const ready = (port, extra = {}) => process.stdout.write(`${JSON.stringify({ port, ...extra })}\n`);
let close = async () => {};
let counters = () => ({});
process.on('message', (m) => {
  if (m !== 'stats' || !process.connected) return;
  // After a full GC when --expose-gc is on, so the figure is what is retained, not garbage not yet collected.
  globalThis.gc?.();
  const mem = process.memoryUsage();
  process.send({ rss: mem.rss, heapUsed: mem.heapUsed, ...counters() });
});

if (mode === 'stream-mock') {
  const { startStreamMock } = await import(join(pkgDir, 'dist', 'index.js'));
  // As shipped: the document's idle timeout (60 s) stays armed, so its per-frame bookkeeping is measured too.
  // The bench connects with hand-made tokens (kst_test_bench<i>): the opt-in mode for them.
  const m = await startStreamMock({ port: 0, acceptUnknownTokens: true, log: () => {} });
  close = () => m.close();
  ready(m.port);
} else if (mode === 'bare-ws') {
  // Reference: the same ws library and frame limit, echoing every text frame back unchanged.
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: 64 * 1024, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('message', (d, isBinary) => ws.send(d, { binary: isBinary })));
  await new Promise((r) => wss.once('listening', r));
  close = () => new Promise((r) => wss.close(r));
  ready(wss.address().port);
} else if (mode === 'rest-mock' || mode === 'rest-mock-nocache') {
  const { startRestMock } = await import(join(pkgDir, 'dist', 'index.js'));
  const m = await startRestMock({ stateless: true, port: 0, rateLimit: 0, streamBaseUrl: 'ws://127.0.0.1:4011', prismCacheSize: mode === 'rest-mock' ? 1000 : 0, log: () => {} });
  close = () => m.close();
  ready(m.port);
} else if (mode === 'rest-sandbox' || mode === 'sandbox') {
  // The stateful sandbox as shipped (its engine answers; requests validated in-process), seeded with one agent.
  const { startMock } = await import(join(pkgDir, 'dist', 'index.js'));
  const limits = process.env.BENCH_LIMITS ? JSON.parse(process.env.BENCH_LIMITS) : undefined;
  const m = await startMock({
    restPort: 0,
    streamPort: 0,
    docsDir: false,
    rateLimit: 0,
    credits: 1e12,
    limits,
    // BENCH_SCENARIO (a scenario file) lets a run compare the default voice-activity timing with a scripted one.
    scenario: process.env.BENCH_SCENARIO,
    seed: { tenants: { 'sk_test_bench_0123456789': { agents: [{ id: 'agt_Bench1', name: 'Support', description: 'First-line support in English and Spanish.', system_prompt: 'You are a friendly support agent for Acme. Keep answers short.', voice: 'nova', temperature: 0.7, knowledge_base_id: 'kb_01ABC123', tools: [], metadata: null }] } } },
    log: () => {},
  });
  close = () => m.close();
  counters = () => ({ framesIn: m.stream.stats.framesIn, framesOut: m.stream.stats.framesOut, connections: m.stream.stats.connections, sizes: m.engine.snapshot().sizes });
  ready(m.rest.port, { streamPort: m.stream.port });
} else if (mode === 'plain-http') {
  // Reference: a plain node:http server answering with a fixed JSON agent and the API's headers.
  const body = JSON.stringify({ id: 'agt_01HXYZ123456789', object: 'agent', name: 'Support', description: 'First-line support in English and Spanish.', system_prompt: 'You are a friendly support agent for Acme. Keep answers short.', voice: 'nova', temperature: 0.7, knowledge_base_id: 'kb_01ABC123', tools: [], metadata: null, created_at: '2026-03-26T10:00:00Z', updated_at: '2026-03-26T10:00:00Z' });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'x-request-id': 'req_bench', 'x-ratelimit-limit': '120', 'x-ratelimit-remaining': '118', 'x-ratelimit-reset': '1711454460', 'x-api-credits-remaining': '412', 'x-api-credits-used': '588' });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  close = () => new Promise((r) => server.close(r));
  ready(server.address().port);
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
const stop = () => close().then(() => process.exit(0), () => process.exit(1));
process.on('disconnect', stop);
process.on('SIGTERM', stop);
