// Runs every ```js block of README.md as an ES module against the stateful sandbox (@kallglot/mock, fresh
// state for each block, only KALLGLOT_API_KEY set): the facade's blocks (before "## Path client") and the path
// client's. The README's http://127.0.0.1:4010 is swapped for the server's port. Each block must exit 0
// without stderr, and what it prints is checked.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type TestSandbox } from './helpers/sandbox.js';

const pkgDir = new URL('..', import.meta.url).pathname;
const readme = readFileSync(join(pkgDir, 'README.md'), 'utf8');
const jsBlocks = (text: string) => [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
const facadeBlocks = jsBlocks(readme.slice(0, readme.indexOf('\n## Path client')));
const blocks = jsBlocks(readme.slice(readme.indexOf('\n## Path client')));

let sandbox: TestSandbox;
let dir: string;

beforeAll(async () => {
  // The examples import '@kallglot/client' (self-reference through "exports"), i.e. dist/.
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', join(pkgDir, 'tsconfig.build.json')], { encoding: 'utf8' });
  expect(build.status, build.stdout + build.stderr).toBe(0);
  // The sandbox as `npx @kallglot/mock` runs it: the clock at real speed.
  sandbox = await startSandbox({ timeScale: 1 });
  // Inside the package so that '@kallglot/client' resolves to this package.
  dir = mkdtempSync(join(pkgDir, 'test', '.readme-'));
}, 120_000);
afterAll(async () => {
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const runBlock = (i: number) => runCode(`example-${i}`, blocks[i]!);
const runFacadeBlock = (i: number) => runCode(`facade-${i}`, facadeBlocks[i]!);

async function runCode(name: string, code: string): Promise<string[]> {
  await sandbox.control.reset();
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, code.replaceAll('http://127.0.0.1:4010', sandbox.rest));
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

describe('README examples: the path client, against the sandbox', () => {
  it('has one runnable example per feature', () => {
    expect(blocks.length).toBe(6);
  });

  it('client + call + meta', async () => {
    const lines = await runBlock(0);
    expect(lines[0]).toMatch(/^sess_\w+ created ws:\/\//);
    expect(lines[1]).toMatch(/^req_\w+ \d+ \d+ 1$/);
    expect(lines[2]).toBe('created');
  });

  it('errors', async () => {
    expect(await runBlock(1)).toEqual(['404 session_not_found', expect.stringMatching(/^404 session_not_found \w+ req_\w+$/), 'KallglotApiError 404', 'KallglotResponseTooLargeError 200 64']);
  });

  it('retries, idempotency keys, timeouts', async () => {
    expect(await runBlock(2)).toEqual(['201 created true', expect.stringMatching(/^ended [0-9a-f-]{36}$/)]);
  });

  it('pagination', async () => {
    expect(await runBlock(3)).toEqual(['Tier 3', 'Tier 2', 'Tier 1', 'true processing']);
  });

  it('recording audio', async () => {
    const lines = await runBlock(4);
    expect(lines[0]).toBe('waiting for the recording (at most 60 s)…');
    expect(lines[1]).toMatch(/^audio\/mpeg true \//);
    expect(lines[2]).toBe('true');
  }, 120_000);

  it('webhooks', async () => {
    expect(await runBlock(5)).toEqual(['session ended: sess_01HXYZ123456789', '204 401 Invalid signature: signature_mismatch']);
  });
});
