#!/usr/bin/env node
// Runs every workspace's tests through turbo, then prints the one line CI reads: "N passed, N failed".
// Counts come from each workspace's Vitest JSON report (.test-results/*.json), never from Vitest's console summary.
// Two phases, so both cores work where it is safe: the package suites (each runs its files one at a time, see
// vitest.shared.mjs) two at a time, then the cross-package suite (@kallglot/tests: a local registry, installs,
// the consumer matrix on three Nodes) alone. KALLGLOT_TEST_CONCURRENCY sets phase one's width (default 2); with
// a --filter of your own, one phase runs exactly what you asked.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;
const extraArgs = process.argv.slice(2);

for (const ws of workspaces) rmSync(join(root, ws, '.test-results'), { recursive: true, force: true });

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', REDOCLY_TELEMETRY: 'off' };
const ALONE = '@kallglot/tests';
const width = Math.max(1, Number(process.env.KALLGLOT_TEST_CONCURRENCY) || 2);
const phases = extraArgs.some((a) => a.startsWith('--filter'))
  ? [[`--concurrency=${width}`]]
  : [[`--concurrency=${width}`, `--filter=!${ALONE}`], ['--concurrency=1', `--filter=${ALONE}`]];
let turboFailed = false;
for (const [i, phase] of phases.entries()) {
  const started = Date.now();
  const r = spawnSync('npx', ['turbo', 'run', 'test', '--continue', '--output-logs=errors-only', ...phase, ...extraArgs], { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) turboFailed = true;
  console.log(`phase ${i + 1} of ${phases.length} (${phase.join(' ')}): ${Math.round((Date.now() - started) / 1000)} s`);
}
const turbo = { status: turboFailed ? 1 : 0 };

let passed = 0;
let failed = 0;
const missing = [];
for (const ws of workspaces) {
  const dir = join(root, ws, '.test-results');
  const reports = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  const hasTests = existsSync(join(root, ws, 'package.json')) &&
    JSON.parse(readFileSync(join(root, ws, 'package.json'), 'utf8')).scripts?.test;
  if (hasTests && reports.length === 0) missing.push(ws);
  for (const f of reports) {
    const p = join(dir, f);
    if (!statSync(p).isFile()) continue;
    const r = JSON.parse(readFileSync(p, 'utf8'));
    passed += r.numPassedTests ?? 0;
    // A file that fails to load counts as a failure even though it has no failed test. (Vitest's
    // numFailedTestSuites also counts describe blocks, so files are counted from testResults instead.)
    failed += (r.numFailedTests ?? 0) + countBrokenFiles(r);
  }
}
for (const ws of missing) {
  console.error(`no test report from ${ws}: its test task did not run to the end`);
  failed += 1;
}
if (turbo.status !== 0 && failed === 0) failed = 1; // turbo failed before any test could report it
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && turbo.status === 0 ? 0 : 1);

function countBrokenFiles(report) {
  return (report.testResults ?? []).filter(
    (s) => s.status === 'failed' && !(s.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
}
