// Runs every ```js block of README.md as an ES module against Prism (the README's
// http://127.0.0.1:4010 is swapped for Prism's port). Each block must exit 0 without stderr,
// and what it prints is checked against what the mock documents.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrism, type PrismProcess } from './helpers/prism.js';

const pkgDir = new URL('..', import.meta.url).pathname;
const blocks = [...readFileSync(join(pkgDir, 'README.md'), 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);

let prism: PrismProcess;
let dir: string;

beforeAll(async () => {
  // The examples import '@kallglot/client' (self-reference through "exports"), i.e. dist/.
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', join(pkgDir, 'tsconfig.build.json')], { encoding: 'utf8' });
  expect(build.status, build.stdout + build.stderr).toBe(0);
  prism = await startPrism();
  // Inside the package so that '@kallglot/client' resolves to this package.
  dir = mkdtempSync(join(pkgDir, 'test', '.readme-'));
}, 120_000);
afterAll(async () => {
  await prism?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runBlock(i: number): string {
  const file = join(dir, `example-${i}.mjs`);
  writeFileSync(file, blocks[i]!.replaceAll('http://127.0.0.1:4010', prism.url));
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000, cwd: pkgDir });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  if (process.env.README_DEBUG) console.log(r.stdout);
  return r.stdout;
}

describe('README examples', () => {
  it('has one runnable example per feature', () => {
    expect(blocks.length).toBe(6);
  });

  it('client + call + meta', () => {
    const out = runBlock(0);
    expect(out).toMatch(/^sess_\w+ created wss:\/\//m);
    expect(out).toMatch(/^req_\w+ \d+ \d+ 1$/m);
  });

  it('errors', () => {
    expect(runBlock(1).trim().split('\n')).toEqual([expect.stringMatching(/^404 \w+/), expect.stringMatching(/^404 \w+ \w+ req_\w+$/), 'KallglotApiError 404', 'KallglotResponseTooLargeError 200 64']);
  });

  it('retries, idempotency keys, timeouts', () => {
    const lines = runBlock(2).trim().split('\n');
    expect(lines[0]).toBe('201 order-4711-session');
    expect(lines[1]).toMatch(/^ended [0-9a-f-]{36}$/);
  });

  it('pagination', () => {
    const out = runBlock(3);
    expect(out).toMatch(/^agt_\w+ /m);
    expect(out).toMatch(/^rec_\w+ \w+/m);
  });

  it('recording audio', () => {
    const lines = runBlock(4).trim().split('\n');
    expect(lines[0]).toMatch(/^audio\/mpeg \d+ /);
    expect(Number(lines[1])).toBeGreaterThanOrEqual(0);
  });

  it('webhooks', () => {
    const lines = runBlock(5).trim().split('\n');
    expect(lines).toEqual(['session ended: sess_01HXYZ123456789', '204 401 Invalid signature: signature_mismatch']);
  });
});
