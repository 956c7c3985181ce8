// Publish for real, locally, then install by name and run where users run:
//  1. Verdaccio on 127.0.0.1 (temporary storage; @kallglot/* only local, everything else proxied from npm);
//  2. a copy of the repository gets a changeset for every public workspace (found dynamically), and
//     scripts/release.mjs versions (changeset version → CHANGELOG.md), refreshes the breaking-change baseline
//     and publishes (changeset publish) to the local registry;
//  3. empty directories outside the monorepo `npm install` the packages BY NAME from that registry;
//  4. `npx @kallglot/mock` serves the installed mock and the docs site (@kallglot/docs, its peer, installed with it:
//     the playground in Chromium sends to the mock's real port); the consumer matrix runs the same flow against it:
//     TypeScript (node16 / nodenext / bundler, strict, skipLibCheck off), the compiled ESM and a CommonJS
//     require() program on Node 20.19+, 22 and 24, an esbuild browser bundle (no Node built-ins), Bun, Deno.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.ts';
// @ts-expect-error plain ESM script without types
import { publicWorkspaces } from '../../scripts/lib/workspaces.mjs';
import { nodeFor } from './lib/nodes.ts';
import { FLOW_TS, MAIN_CJS, MAIN_TS, tsconfig } from './lib/programs.ts';
import { startRegistry, type Registry } from './lib/registry.ts';
import { retryNpm } from '../helpers/npm-retry.ts';
import { pool } from '../helpers/pool.ts';
import { chromium } from 'playwright-core';
// NOTE: Verdaccio runs inside this test process: anything that talks to it must be spawned asynchronously.

type Ws = { dir: string; path: string; pkg: { name: string; version: string; scripts?: Record<string, string>; files?: string[] } };
const require = createRequire(import.meta.url);
const tscBin = require.resolve('typescript/bin/tsc');
const SECRET = 'whsec_release_matrix';
const work = mkdtempSync(join(tmpdir(), 'kallglot-release-'));
const copy = join(work, 'repo');
const consumer = join(work, 'consumer');
const mockDir = join(work, 'mock');
const tools = join(work, 'tools');
const log: string[] = [];
// Each setup step's time since the file started, on stderr (shown with a failure; KALLGLOT_RELEASE_KEEP keeps the rest).
const t0 = Date.now();
const step = (what: string) => process.stderr.write(`[publish +${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}\n`);

let registry: Registry;
let hooks: Server;
let hooksUrl = '';
const deliveries: Array<{ body: string; signature: string }> = [];
let mock: ChildProcess | undefined;
let mockUrls: { rest: string; stream: string; docs?: string } = { rest: '', stream: '' };
const pub: Ws[] = (publicWorkspaces() as Ws[]).filter((w) => !w.pkg.name.endsWith('-source'));
let versions: Record<string, string> = {};

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }) {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: 'utf8', timeout: opts.timeout ?? 300_000, maxBuffer: 64 << 20 });
  const out = `$ ${cmd} ${args.join(' ')}  (in ${opts.cwd})\n${r.stdout}${r.stderr}`;
  log.push(out);
  return { ...r, out };
}
// `npm install` from the registries, retried on transient failures (TLS, reset, timeout: test/helpers/npm-retry.ts).
function install(pkgs: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const args = ['install', '--no-audit', '--no-fund', '--prefer-offline', ...pkgs];
  return retryNpm(`npm install in ${opts.cwd}`, () => runAsync('npm', args, { ...opts, timeout: 900_000 }), { log: (l) => (log.push(l), process.stderr.write(`${l}\n`)) });
}
// Async so that independent installs run side by side.
function runAsync(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }) {
  return new Promise<{ status: number | null; out: string }>((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = `$ ${cmd} ${args.join(' ')}  (in ${opts.cwd})\n`;
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 300_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      log.push(out);
      resolve({ status, out });
    });
  });
}
// Installs: @kallglot/* from the local registry (the npmrc's scope line), the rest from the default registry.
const npmEnv = () => ({ npm_config_userconfig: registry.npmrc, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' });
// Publishing (changeset publish → npm info / npm publish): everything against the local registry.
const publishEnv = () => ({ ...npmEnv(), npm_config_registry: registry.url });
// A PATH whose `node` is the given binary (npm and npx are JS programs that run on whatever `node` is first).
const pathWith = (nodeBin: string) => [dirname(nodeBin), process.env.PATH].join(delimiter);

beforeAll(async () => {
  // dist/ must exist (turbo builds the test workspace's dependencies; a public package that is not one of them
  // is built here).
  for (const w of pub) {
    if (w.pkg.scripts?.build && !existsSync(join(w.path, 'dist'))) {
      const r = run('npx', ['turbo', 'run', 'build', `--filter=${w.pkg.name}`], { cwd: repoRoot, timeout: 600_000 });
      if (r.status !== 0) throw new Error(r.out);
    }
  }
  // The registry, and a receiver for the mock's webhooks (programs read their session's deliveries from it).
  registry = await startRegistry(join(work, 'registry'));
  step('registry up');
  hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.method === 'POST') {
        deliveries.push({ body, signature: String(req.headers['kallglot-signature'] ?? '') });
        res.writeHead(200).end();
        return;
      }
      // The WAV the programs stream: the one @kallglot/stream ships (examples/call.wav), as installed.
      if (new URL(req.url ?? '/', 'http://x').pathname === '/call.wav') {
        res.writeHead(200, { 'content-type': 'audio/wav' }).end(readFileSync(join(consumer, 'node_modules', '@kallglot', 'stream', 'examples', 'call.wav')));
        return;
      }
      const id = new URL(req.url ?? '/', 'http://x').searchParams.get('session_id') ?? '';
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(deliveries.filter((d) => id && d.body.includes(id))));
    });
  }).listen(0, '127.0.0.1');
  await new Promise((r) => hooks.once('listening', r));
  hooksUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hooks`;

  // Bun and Deno ship their binaries in npm packages; they come straight from the npm registry, alongside.
  mkdirSync(tools, { recursive: true });
  writeFileSync(join(tools, 'package.json'), '{"name":"tools","private":true}');
  const toolsInstall = install(['bun@1', 'deno@2'], { cwd: tools });

  // A copy of the repository for the release: sources, dist, changesets; the tools from the repo's node_modules.
  mkdirSync(copy, { recursive: true });
  for (const f of ['package.json', 'package-lock.json', '.changeset']) cpSync(join(repoRoot, f), join(copy, f), { recursive: true });
  cpSync(join(repoRoot, 'test', 'baseline'), join(copy, 'test', 'baseline'), { recursive: true });
  for (const w of pub) cpSync(w.path, join(copy, w.dir), { recursive: true, filter: (src) => !/\/(node_modules|\.test-results|\.turbo)(\/|$)/.test(src) });
  symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'));
  writeFileSync(join(copy, '.changeset', 'release-test.md'), `---\n${pub.map((w) => `"${w.pkg.name}": patch`).join('\n')}\n---\n\nRelease test: published to a local registry.\n`);
  // Async: the registry runs in this process, a spawnSync would block it.
  const rel = await runAsync(process.execPath, [join(repoRoot, 'scripts', 'release.mjs'), '--cwd', copy, '--registry', registry.url, '--no-build', '--no-lockfile', '--no-git-tag'], { cwd: copy, env: publishEnv(), timeout: 600_000 });
  if (rel.status !== 0) throw new Error(`release failed:\n${rel.out}`);
  step('released to the local registry');
  versions = Object.fromEntries(pub.map((w) => [w.pkg.name, JSON.parse(readFileSync(join(copy, w.dir, 'package.json'), 'utf8')).version]));

  // Install by name, outside the monorepo.
  const spec = (n: string) => `${n}@${versions[n]}`;
  for (const d of [consumer, mockDir]) {
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'package.json'), JSON.stringify({ name: `release-${d.split('/').pop()}`, private: true, type: 'module' }));
  }
  // The libraries an app imports; the docs site comes with the mock (its peer), not by name.
  const libs = pub.filter((w) => !['@kallglot/mock', '@kallglot/contract', '@kallglot/docs'].includes(w.pkg.name)).map((w) => spec(w.pkg.name));
  const toolchain = pub.filter((w) => w.pkg.name === '@kallglot/mock' || w.pkg.name === '@kallglot/contract').map((w) => spec(w.pkg.name));
  const node24 = nodeFor(24);
  const [c, m, t] = await Promise.all([
    install([...libs, '@types/node@22'], { cwd: consumer, env: npmEnv() }),
    install(toolchain, { cwd: mockDir, env: { ...npmEnv(), PATH: pathWith(node24) } }),
    toolsInstall,
  ]);
  for (const r of [c, m]) if (r.status !== 0) throw new Error(`install failed:\n${r.out}`);
  if (t.status !== 0) log.push('bun/deno install failed: their rows will fail');
  step('consumer, mock and bun/deno installed');

  // npx @kallglot/mock, on Node 24 (the toolchain's baseline): the docs site is the installed @kallglot/docs.
  mock = spawn('npx', ['@kallglot/mock', '--rest-port', '0', '--stream-port', '0', '--docs-port', '0', '--json', '--webhook-url', hooksUrl, '--webhook-secret', SECRET, '--webhook-time-scale', '0.001'], {
    cwd: mockDir,
    env: { ...process.env, ...npmEnv(), PATH: pathWith(node24) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let mockOut = '';
  mock.stderr!.on('data', (d) => (mockOut += d));
  mockUrls = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npx @kallglot/mock did not start:\n${mockOut}`)), 120_000);
    mock!.stdout!.on('data', (d) => {
      mockOut += d;
      const line = mockOut.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    mock!.once('exit', (code) => reject(new Error(`npx @kallglot/mock exited ${code}:\n${mockOut}`)));
  });
  step('npx @kallglot/mock serving');

  // The programs.
  mkdirSync(join(consumer, 'src'), { recursive: true });
  writeFileSync(join(consumer, 'src', 'flow.ts'), FLOW_TS);
  writeFileSync(join(consumer, 'src', 'main.ts'), MAIN_TS);
  writeFileSync(join(consumer, 'main.cjs'), MAIN_CJS);
  writeFileSync(join(consumer, 'tsconfig.node16.json'), tsconfig('node16', 'node16', true));
  writeFileSync(join(consumer, 'tsconfig.nodenext.json'), tsconfig('nodenext', 'nodenext', false));
  writeFileSync(join(consumer, 'tsconfig.bundler.json'), tsconfig('esnext', 'bundler', false));
}, 1_500_000);

afterAll(async () => {
  if (mock?.pid) {
    try {
      process.kill(-mock.pid, 'SIGTERM'); // npx and the mock it started
    } catch {}
  }
  hooks?.close();
  await registry?.close();
  if (!process.env.KALLGLOT_RELEASE_KEEP) rmSync(work, { recursive: true, force: true }); // KALLGLOT_RELEASE_KEEP=1 keeps it for a look
});

const flowEnv = () => ({ KALLGLOT_BASE_URL: mockUrls.rest, KALLGLOT_HOOKS: hooksUrl, KALLGLOT_WEBHOOK_SECRET: SECRET });
function expectFlow(r: { status: number | null; out: string }) {
  expect(r.out, r.out).toMatch(/FLOW OK sess_\S+ ".+" explicit_end webhook session\.ended/);
  expect(r.status, r.out).toBe(0);
}

describe('release through the changesets flow', () => {
  it('versions every public workspace, writes its CHANGELOG and moves the breaking-change baseline', () => {
    for (const w of pub) {
      expect(versions[w.pkg.name], w.pkg.name).not.toBe(w.pkg.version);
      expect(readFileSync(join(copy, w.dir, 'CHANGELOG.md'), 'utf8')).toContain(`## ${versions[w.pkg.name]}`);
    }
    const baseline = JSON.parse(readFileSync(join(copy, 'test', 'baseline', 'baseline.json'), 'utf8'));
    expect(baseline.released).toEqual(versions);
  });

  it('the registry serves every public package at its new version, with its metadata', async () => {
    for (const w of pub) {
      const doc = (await (await fetch(`${registry.url}${w.pkg.name.replace('/', '%2f')}`)).json()) as { 'dist-tags': { latest: string }; versions: Record<string, { repository?: { directory?: string }; engines?: unknown }> };
      expect(doc['dist-tags'].latest).toBe(versions[w.pkg.name]);
      expect(doc.versions[versions[w.pkg.name]!]!.repository?.directory).toBe(w.dir);
    }
  });

  it('the installed mock depends on the published client and spec (no workspace-only versions)', async () => {
    const lock = JSON.parse(readFileSync(join(mockDir, 'package-lock.json'), 'utf8'));
    // `resolved` may be left out of lockfiles (omit-lockfile-registry-resolved), so the tarball's integrity
    // is compared with what the local registry serves for that version instead.
    for (const name of ['@kallglot/client', '@kallglot/spec']) {
      const entry = lock.packages[`node_modules/${name}`];
      expect(entry?.version, name).toBe(versions[name]);
      const doc = (await (await fetch(`${registry.url}${name.replace('/', '%2f')}`)).json()) as { versions: Record<string, { dist: { integrity: string } }> };
      expect(entry.integrity, name).toBe(doc.versions[versions[name]!]!.dist.integrity);
    }
  });
});

describe('npx @kallglot/mock (installed by name)', () => {
  it('serves REST, stream and docs', async () => {
    const health = await fetch(new URL('/health', mockUrls.rest));
    expect(health.status).toBe(200);
    expect(mockUrls.stream).toMatch(/^ws:\/\/127\.0\.0\.1:\d+/);
    expect(mockUrls.docs, 'the installed mock serves no docs site').toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(join(mockDir, 'node_modules', '@kallglot', 'docs', 'dist', 'index.html')), '@kallglot/docs was not installed with the mock').toBe(true);
    for (const page of ['index.html', 'rest.html', 'stream.html', 'playground.html', 'assets/search-index.js']) {
      expect((await fetch(`${mockUrls.docs}/${page}`)).status, page).toBe(200);
    }
  });

  it('its playground, in Chromium, sends to the real REST port of that mock', async () => {
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${mockUrls.docs}/playground.html`, { waitUntil: 'load' });
      await page.waitForFunction(() => (window as { kgPlayground?: { ready?: boolean } }).kgPlayground?.ready === true);
      expect(await page.inputValue('#pg-base')).toBe(mockUrls.rest);
      await page.selectOption('#rest-op', 'listAgents');
      const [req] = await Promise.all([page.waitForRequest((r) => r.url().includes('/v1/agents')), page.click('#rest-send')]);
      expect(new URL(req.url()).origin).toBe(mockUrls.rest);
      await page.waitForSelector('#rest-status[data-status]');
      expect(await page.getAttribute('#rest-status', 'data-status')).toBe('200');
    } finally {
      await browser.close();
    }
  }, 120_000);

  it.runIf(pub.some((w) => w.pkg.name === '@kallglot/contract'))('@kallglot/contract imports on Node 24', () => {
    const r = run(nodeFor(24), ['--input-type=module', '-e', "const m = await import('@kallglot/contract'); if (!Object.keys(m).length) throw new Error('no exports'); console.log('CONTRACT OK', Object.keys(m).join(','))"], { cwd: mockDir });
    expect(r.out).toContain('CONTRACT OK');
  });
});

// The matrix's programs are independent (one session each, port 0): they run side by side, two at a time
// (tsc is CPU-bound, the flows mostly wait on the mock). The compiled ESM (tsc, node16, into out/) is built once,
// by the node16 row, and awaited by every row that runs it.
const matrix = pool(2);
const tsc = (config: string) => matrix(() => runAsync(process.execPath, [tscBin, '-p', config], { cwd: consumer, timeout: 180_000 }));
let compiled: ReturnType<typeof tsc> | undefined;
const compileNode16 = () => (compiled ??= tsc('tsconfig.node16.json'));

describe.concurrent('consumer matrix (installed by name)', () => {
  // Node binaries first: a fetch (spawnSync) mid-matrix would stall the in-process webhook receiver the running
  // flows poll. A failure here is reported by the row that needs that Node (nodeFor tries again there).
  beforeAll(() => {
    for (const major of [20, 22, 24]) {
      try {
        nodeFor(major);
      } catch {}
    }
  }, 900_000);

  it.each([
    ['node16', 'tsconfig.node16.json'],
    ['nodenext', 'tsconfig.nodenext.json'],
    ['bundler', 'tsconfig.bundler.json'],
  ])('TypeScript, moduleResolution %s, strict, skipLibCheck off', async (_name, config) => {
    const r = await (config === 'tsconfig.node16.json' ? compileNode16() : tsc(config));
    expect(r.out.split('\n').slice(1).join('\n').trim(), r.out).toBe('');
    expect(r.status).toBe(0);
  }, 600_000);

  // The compiled ESM (tsc, node16) and the CommonJS program, on every Node the libraries support.
  it.each([20, 22, 24])('Node %i: compiled ESM and CommonJS require() run the whole flow', async (major) => {
    await compileNode16();
    const node = nodeFor(major);
    const [esm, cjs] = await Promise.all([
      matrix(() => runAsync(node, ['out/main.js'], { cwd: consumer, env: flowEnv(), timeout: 180_000 })),
      matrix(() => runAsync(node, ['main.cjs'], { cwd: consumer, env: flowEnv(), timeout: 180_000 })),
    ]);
    expectFlow(esm);
    expectFlow(cjs);
  }, 600_000);

  it('esbuild browser bundle: no Node built-ins, and it runs the flow on the global WebSocket', async () => {
    const out = await build({
      entryPoints: [join(consumer, 'src', 'main.ts')],
      absWorkingDir: consumer,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      write: false,
      metafile: true,
      logLevel: 'silent',
      define: Object.fromEntries(Object.entries(flowEnv()).map(([k, v]) => [`process.env.${k}`, JSON.stringify(v)])),
    });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.filter((i) => i.startsWith('node:') || /node_modules\/(ws|undici)\//.test(i))).toEqual([]);
    const js = out.outputFiles[0]!.text;
    // (esbuild's browser platform already fails on a Node built-in import; this also catches externals.)
    expect(js).not.toMatch(/\b(from\s*|import\(\s*|require\(\s*)["'](node:[a-z]|ws["']|fs["']|net["']|http["']|crypto["'])/);
    writeFileSync(join(consumer, 'bundle.mjs'), js);
    // Node 24 has fetch, WebCrypto and a global WebSocket: what the browser entry needs.
    const node24 = nodeFor(24);
    expectFlow(await matrix(() => runAsync(node24, ['bundle.mjs'], { cwd: consumer, timeout: 180_000 })));
  }, 600_000);

  it('Bun (from npm) runs the TypeScript program', async () => {
    const bun = join(tools, 'node_modules', '.bin', 'bun');
    expect(existsSync(bun), 'bun did not install from npm').toBe(true);
    expectFlow(await matrix(() => runAsync(bun, ['src/main.ts'], { cwd: consumer, env: { ...flowEnv(), BUN_INSTALL_CACHE_DIR: join(work, 'bun-cache') }, timeout: 180_000 })));
  }, 600_000);

  it('Deno (from npm) runs the compiled program with the installed node_modules', async () => {
    const deno = join(tools, 'node_modules', '.bin', 'deno');
    expect(existsSync(deno), 'deno did not install from npm').toBe(true);
    await compileNode16();
    expectFlow(await matrix(() => runAsync(deno, ['run', '-A', 'out/main.js'], { cwd: consumer, env: { ...flowEnv(), DENO_DIR: join(work, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }, timeout: 180_000 })));
  }, 600_000);
});
