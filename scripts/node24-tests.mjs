#!/usr/bin/env node
// Runs the unit and contract tests again under Node 24 LTS, fetched from the npm registry with
// `npx -y -p node@24` (Node 20.19+ stays the minimum; `npm test` covers it). Run after `npm test` (the
// packages must be built). Prints one line per workspace and, last, "N passed, N failed".
// Counts come from each workspace's Vitest JSON report, like scripts/run-tests.mjs.
// If Node 24 cannot be fetched (registry or network trouble) that is not a project fault: a warning and
// "0 passed, 0 failed". A Node 24 that runs but is not v24, or a test run that leaves no report, counts as failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const NODE = process.env.KALLGLOT_NODE24_SPEC ?? 'node@24';
// Unit tests of the runtime packages + the cross-package tests. test/guards and test/bench exercise the
// build graph and the bench runner, which do not depend on the Node version: they run once, in npm test.
const targets = [
  { dir: 'packages/client', args: [] },
  { dir: 'packages/stream', args: [] },
  { dir: 'packages/mock', args: [] },
  { dir: 'test', args: ['--exclude', 'guards/**', '--exclude', 'bench/**'] },
];
const only = process.argv.slice(2); // optional workspace dirs to limit the run, e.g. `test`
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', REDOCLY_TELEMETRY: 'off', npm_config_yes: 'true' };

// `npx -p node@24` brings a bare node binary, without the npm a real Node 24 install has globally.
// @asyncapi/generator looks npm up through requireg (global modules), so point NODE_PATH at the machine's
// global node_modules, as an ordinary Node 24 install would have it.
const globalRoot = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout?.trim();
if (globalRoot) env.NODE_PATH = [globalRoot, env.NODE_PATH].filter(Boolean).join(':');

const probe = spawnSync('npx', ['-y', '-p', NODE, 'node', '-e', 'process.stdout.write(process.version)'], { cwd: root, env, encoding: 'utf8', timeout: 600_000 });
if (probe.status !== 0 || !probe.stdout.startsWith('v')) {
  console.warn(`warning: could not fetch ${NODE} from the registry (${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()}); skipping the Node 24 run`);
  console.log('0 passed, 0 failed');
  process.exit(0);
}
const version = probe.stdout.trim();
console.log(`== Node ${version} (npx -p ${NODE})`);
let passed = 0;
let failed = 0;
if (!version.startsWith('v24.')) {
  console.error(`error: npx -p ${NODE} gave Node ${version}, not 24`);
  failed++;
}

for (const t of targets) {
  const cwd = join(root, t.dir);
  if (!existsSync(join(cwd, 'package.json')) || (only.length && !only.includes(t.dir))) continue;
  const report = join(cwd, '.test-results', 'vitest.json');
  rmSync(report, { force: true }); // never count a stale (Node 20) report
  console.log(`\n== ${t.dir}: vitest run under Node ${version}`);
  const r = spawnSync('npx', ['-y', '-p', NODE, 'node', vitest, 'run', ...t.args], { cwd, env, stdio: 'inherit', timeout: 20 * 60_000 });
  if (!existsSync(report)) {
    console.error(`no test report from ${t.dir} under Node ${version} (exit ${r.status ?? r.signal})`);
    failed++;
    continue;
  }
  const j = JSON.parse(readFileSync(report, 'utf8'));
  // A file that failed without a failed test (it did not load) counts once. (numFailedTestSuites also
  // counts describe blocks, so it cannot be used for this.)
  const brokenFiles = (j.testResults ?? []).filter((s) => s.status === 'failed' && !(s.assertionResults ?? []).some((a) => a.status === 'failed')).length;
  const p = j.numPassedTests ?? 0;
  const f = (j.numFailedTests ?? 0) + brokenFiles;
  console.log(`node24 ${t.dir}: ${p} passed, ${f} failed`);
  passed += p;
  failed += f;
  if (r.status !== 0 && f === 0) {
    console.error(`${t.dir}: vitest exited ${r.status ?? r.signal} without a failed test in its report`);
    failed++;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
