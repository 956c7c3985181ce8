// Memory the validating proxy spends on one endless upstream response before its 502: the default cap
// (maxResponseBytes, 8 MiB) against the former 32 MiB. The upstream runs in a child process so only the
// proxy's RSS is measured. Each cap runs in a fresh process (BENCH_ROUNDS times, median).
// Prints a report; with BENCH_OUT set, writes the JSON rows described in CONTRIBUTING.md.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const UPSTREAM = `
const up = require('node:http').createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let n = 0;
  const pump = () => { while (!res.destroyed && n < 1024 ** 3 && res.write(chunk)) n += chunk.length; if (n >= 1024 ** 3) res.end(); };
  res.on('drain', pump); pump();
});
up.listen(0, '127.0.0.1', () => console.log(up.address().port));`;

async function measure(cap) {
  const { startProxy } = await import('../dist/proxy.js');
  const child = spawn(process.execPath, ['-e', UPSTREAM], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((r) => child.stdout.once('data', (d) => r(Number(String(d).trim()))));
  const proxy = await startProxy({ upstream: `http://127.0.0.1:${port}`, maxResponseBytes: cap });
  const before = process.memoryUsage().rss;
  let peak = before;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const res = await fetch(`${proxy.url}/v1/agents`, { headers: { Authorization: 'Bearer sk_test_bench' } });
  await res.arrayBuffer();
  clearInterval(t);
  await proxy.close();
  child.kill();
  return { status: res.status, deltaMB: (peak - before) / 1e6 };
}

if (process.argv[2] === 'child') {
  console.log(JSON.stringify(await measure(Number(process.argv[3]))));
} else {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const self = fileURLToPath(import.meta.url);
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const run = (cap) => median(Array.from({ length: rounds }, () => JSON.parse(spawnSync(process.execPath, [self, 'child', String(cap)], { encoding: 'utf8' }).stdout).deltaMB));
  const ours = run(8 * 1024 * 1024);
  const former = run(32 * 1024 * 1024);
  const rows = [{ metric: 'proxy RSS growth for one endless upstream response (default cap vs former 32 MiB)', ours: Math.round(ours), reference: Math.round(former), unit: 'MB', ratio: Number((ours / former).toFixed(2)), goal: '<= 1', holds: ours <= former }];
  for (const r of rows) console.log(`${r.metric}: ${r.ours} ${r.unit} vs ${r.reference} ${r.unit} (ratio ${r.ratio}, goal ${r.goal})`);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(rows, null, 2));
}
