// Runs every ```js block of README.md as an ES module. The facade's blocks (before "## Path client") run
// against the stateful sandbox (@kallglot/mock, fresh state for each block, only KALLGLOT_API_KEY set); the
// path client's blocks run against Prism (example mode). The README's http://127.0.0.1:4010 is swapped for
// the server's port. Each block must exit 0 without stderr, and what it prints is checked.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrism, type PrismProcess } from './helpers/prism.js';
import { startSandbox, type TestSandbox } from './helpers/sandbox.js';

const pkgDir = new URL('..', import.meta.url).pathname;
const readme = readFileSync(join(pkgDir, 'README.md'), 'utf8');
const jsBlocks = (text: string) => [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
const facadeBlocks = jsBlocks(readme.slice(0, readme.indexOf('\n## Path client')));
const blocks = jsBlocks(readme.slice(readme.indexOf('\n## Path client')));

let prism: PrismProcess;
let sandbox: TestSandbox;
let dir: string;

beforeAll(async () => {
  // The examples import '@kallglot/client' (self-reference through "exports"), i.e. dist/.
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', join(pkgDir, 'tsconfig.build.json')], { encoding: 'utf8' });
  expect(build.status, build.stdout + build.stderr).toBe(0);
  prism = await startPrism();
  // The sandbox as `npx @kallglot/mock` runs it: the clock at real speed.
  sandbox = await startSandbox({ timeScale: 1 });
  // Inside the package so that '@kallglot/client' resolves to this package.
  dir = mkdtempSync(join(pkgDir, 'test', '.readme-'));
  copyFileSync(join(pkgDir, '..', 'stream', 'examples', 'call.wav'), join(dir, 'call.wav'));
}, 120_000);
afterAll(async () => {
  await prism?.close();
  await sandbox?.close();
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

async function runFacadeBlock(i: number): Promise<string[]> {
  await sandbox.control.reset();
  const file = join(dir, `facade-${i}.mjs`);
  writeFileSync(file, facadeBlocks[i]!.replaceAll('http://127.0.0.1:4010', sandbox.rest));
  const env: NodeJS.ProcessEnv = { ...process.env, KALLGLOT_API_KEY: 'sk_test_readme_facade' };
  delete env.KALLGLOT_BASE_URL;
  // Async: the sandbox lives in this process, and spawnSync would block the loop it answers on.
  const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [file], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 90_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trim().split('\n');
}

describe('README examples: the facade, against the sandbox', () => {
  it('has one runnable example per section', () => {
    expect(facadeBlocks.length).toBe(5);
  });

  it('quick start', async () => {
    const lines = await runFacadeBlock(0);
    expect(lines).toEqual([expect.stringMatching(/^sess_\w+ created$/), expect.stringMatching(/^created 200 req_\w+$/), 'ended']);
  });

  it('lists', async () => {
    expect(await runFacadeBlock(1)).toEqual(['Tier 3', 'Tier 2', 'Tier 1', '2 true', '1']);
  });

  it('options and errors', async () => {
    expect(await runFacadeBlock(2)).toEqual(['true', '404 session_not_found true']);
  });

  it('stream a session, then its recording and analysis', async () => {
    const lines = await runFacadeBlock(3);
    expect(lines.filter((l) => /^customer: /.test(l)).length).toBeGreaterThan(0);
    expect(lines).toContain('waiting for the recording…');
    expect(lines).toContainEqual(expect.stringMatching(/^recording-sess_\w+\.mp3 audio\/mpeg true$/));
    expect(lines.at(-1)).toBe('completed string');
  }, 120_000);

  it('webhooks', async () => {
    expect(await runFacadeBlock(4)).toEqual(['session.ended sess_01HXYZ123456789', 'WebhookVerificationError signature_mismatch']);
  });
});

describe('README examples: the path client, against Prism', () => {
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
