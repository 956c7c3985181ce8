// The published shape: `npm pack` of spec, stream, client and contract, installed with `npm install <tarballs>` into
// an empty directory outside the monorepo (third-party dependencies from the registry), then all four
// commands through `npx kallglot-contract`. The mock here lives in this process; the installed tool does not
// have @kallglot/mock (an optional peer), so it targets it with --base-url.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM fixture
import { startWrongServer } from './fixtures/wrong-server.mjs';
// @ts-expect-error plain ESM fixture
import { startVerifyingReceiver } from './fixtures/verifying-receiver.mjs';
import { quietMock } from './helpers.js';
import { retryNpm } from '../../../test/helpers/npm-retry.js';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const work = mkdtempSync(join(tmpdir(), 'kallglot-contract-pack-'));
const app = join(work, 'app');
const KEY = 'sk_test_PackedToolKey_9q';

// npm's own variables from an outer `npm test` / turbo run would point the child at the monorepo.
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'));

function sh(cmd: string, args: string[], cwd: string, opts: { onLine?: (l: string, child: ReturnType<typeof spawn>) => void; timeoutMs?: number } = {}) {
  return new Promise<{ code: number | null; out: string; err: string }>((done) => {
    // Own process group: a signal for the proxy reaches npx and the node process it started.
    const child = spawn(cmd, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let err = '';
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), opts.timeoutMs ?? 240_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (opts.onLine) for (const l of String(d).split('\n')) if (l) opts.onLine(l, child);
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, out, err });
    });
  });
}
const npx = (args: string[], o?: Parameters<typeof sh>[3]) => sh('npx', ['--no', 'kallglot-contract', ...args], app, o);

let mock: Awaited<ReturnType<typeof quietMock>>;
let wrong: { url: string; close(): Promise<void> };

beforeAll(async () => {
  const tarballs: string[] = [];
  for (const pkg of ['spec', 'stream', 'client', 'contract']) {
    const r = await sh('npm', ['pack', '--silent', '--pack-destination', work], join(root, 'packages', pkg));
    expect(r.code, r.err).toBe(0);
    tarballs.push(join(work, r.out.trim().split('\n').at(-1)!));
  }
  await sh('mkdir', ['-p', app], work);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'contract-pack-check', private: true, type: 'module' }));
  // From the registry (third-party dependencies): retried on transient failures (test/helpers/npm-retry.ts).
  const r = await retryNpm('npm install (contract pack)', () => sh('flock', ['-w', '600', '/tmp/kallglot-npm.lock', 'npm', 'install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], app, { timeoutMs: 600_000 }));
  expect(r.code, r.err).toBe(0);
  mock = await quietMock();
  wrong = await startWrongServer({ rest: mock.urls.rest, stream: mock.urls.stream });
}, 2_400_000);
afterAll(async () => {
  await wrong?.close();
  await mock?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the packed tarballs, outside the monorepo', { timeout: 120_000 }, () => {
  it('installed without @kallglot/mock or Prism', () => {
    expect(existsSync(join(app, 'node_modules/@kallglot/contract/bin/kallglot-contract.js'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/@kallglot/mock'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/@stoplight'))).toBe(false);
    expect(JSON.parse(readFileSync(join(app, 'node_modules/@kallglot/contract/package.json'), 'utf8')).bin).toEqual({ 'kallglot-contract': 'bin/kallglot-contract.js' });
  });

  it('`test` passes against the mock and fails against the wrong server', async () => {
    const junit = join(work, 'junit.xml');
    const ok = await npx(['test', '--base-url', mock.urls.rest, '--api-key', KEY, '--allow-writes', '--prefer', '--junit', junit]);
    expect(ok.code, ok.out + ok.err).toBe(0);
    expect(ok.out).toMatch(/^PASS: \d+ checks/m);
    expect(ok.out + ok.err + readFileSync(junit, 'utf8')).not.toContain(KEY);
    const bad = await npx(['test', '--base-url', wrong.url, '--api-key', KEY, '--allow-writes']);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^FAIL: /m);
    expect(bad.out).toMatch(/body \/created_at must be string/);
    expect(bad.out).toMatch(/status 203 is not documented for retrieveAgent/);
    expect(bad.out).toMatch(/pong: \/session_id must be string \(got 42\)/);
    // Without --base-url and without the optional mock: a usage error that says what to do.
    const none = await npx(['test']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/@kallglot\/mock is not installed/);
  });

  it('`proxy` forwards, validates and writes its summary on SIGTERM', async () => {
    const json = join(work, 'proxy.json');
    let seen: string | null | undefined;
    const r = await npx(['proxy', '--upstream', wrong.url, '--port', '0', '--json', json], {
      onLine: (l, child) => {
        const m = l.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
        if (!m) return;
        const auth = { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' };
        fetch(`${m[1]}/v1/agents`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'Support', system_prompt: 'Be brief.' }) })
          .then((res) => res.json())
          .then((agent) => fetch(`${m[1]}/v1/agents/${agent.id}`, { headers: auth }))
          .then((res) => (seen = res.headers.get('kallglot-contract-violations')))
          .finally(() => process.kill(-child.pid!, 'SIGTERM'));
      },
    });
    expect(seen).toMatch(/^1; status 203 is not documented/);
    // npx itself dies of the group's SIGTERM (code null); the proxy under it handles it and reports.
    expect([1, null]).toContain(r.code);
    expect(r.out).toMatch(/^1 violations \(1 documented, 0 inferred part\)/m);
    expect(JSON.parse(readFileSync(json, 'utf8')).violations.total).toBe(1);
    expect(r.out + r.err).not.toContain(KEY);
  });

  it('`webhooks` passes against a verifying receiver', async () => {
    const receiver = await startVerifyingReceiver({ secret: 'whsec_pack_secret_1' });
    try {
      const r = await npx(['webhooks', '--target', receiver.url, '--secret', 'whsec_pack_secret_1']);
      expect(r.code, r.out + r.err).toBe(0);
      expect(r.out).toMatch(/^PASS: 18 cases, 17 passed, 0 failed, 1 reported$/m);
      expect(r.out).not.toContain('whsec_pack_secret_1');
    } finally {
      await receiver.close();
    }
  });
});
