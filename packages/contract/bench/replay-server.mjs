// A server for replay.bench.mjs, in its own process: `sandbox` (the stateful sandbox, seeded with one agent) or
// `replay` (kallglot-mock --replay of the cassette at BENCH_CASSETTE). Prints {"rest":URL,"stream":URL} when
// listening; answers 'cpu' with process.cpuUsage(); exits when the IPC channel closes.
import { startMock } from '@kallglot/mock';

export const KEY = 'sk_test_bench_replay_0123456789';
export const AGENT = { id: 'agt_Bench1', name: 'Support', description: 'First-line support in English and Spanish.', system_prompt: 'You are a friendly support agent for Acme. Keep answers short.', voice: 'nova', temperature: 0.7, knowledge_base_id: 'kb_01ABC123', tools: [], metadata: null };

if (process.argv[2]) {
  const mode = process.argv[2];
  const common = { restPort: 0, streamPort: 0, docsDir: false, rateLimit: 0, credits: 1e12, log: () => {} };
  const m = mode === 'replay'
    ? await startMock({ ...common, replay: { cassette: process.env.BENCH_CASSETTE } })
    : await startMock({ ...common, seed: { tenants: { [KEY]: { agents: [AGENT] } } } });
  process.stdout.write(`${JSON.stringify({ rest: m.urls.rest, stream: m.urls.stream })}\n`);
  // CPU this process spent so far (µs), for CPU per request: steadier than req/s on a shared machine.
  process.on('message', (msg) => msg === 'cpu' && process.send(process.cpuUsage()));
  process.on('disconnect', () => m.close().then(() => process.exit(0)));
}
