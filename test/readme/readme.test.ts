// Every README example runs. Each fenced js/ts/sh block of every README (root, packages/*, docs, test, spec):
//  - js: runs with Node against a mock this test starts (127.0.0.1:4010 / :4011 in the text are replaced by
//    its ports, :8080 by a webhook receiver; KALLGLOT_API_KEY and KALLGLOT_BASE_URL are set; cwd has call.wav);
//  - ts: type-checks (strict) against the workspace packages;
//  - sh: is checked with `bash -n`; a block marked `<!-- readme-test: run -->` also runs (cwd: the README's dir).
// The line right before a block may say `<!-- readme-test: typecheck — reason -->` (type-check instead of run)
// or `<!-- readme-test: skip — reason -->` (a reason is required), or `<!-- readme-test: stateless — reason -->`
// (runs against a second mock in example mode, `stateless: true`: for blocks that read the docs' example ids;
// the default mock is stateful, so a block must create what it reads). Failures name the README and the line.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, testRoot } from '../helpers/paths.ts';

type Mode = 'run' | 'stateless' | 'typecheck' | 'skip' | 'check';
type Block = { file: string; line: number; lang: 'js' | 'ts' | 'sh'; code: string; mode: Mode; reason?: string; id: string };
const LANGS: Record<string, Block['lang']> = { js: 'js', javascript: 'js', mjs: 'js', ts: 'ts', typescript: 'ts', sh: 'sh', bash: 'sh', shell: 'sh' };
const MARKER = /^<!--\s*readme-test:\s*(run|stateless|typecheck|skip)\s*(?:[—–-]+\s*(.*?))?\s*-->$/;

export function readmes(): string[] {
  const out = ['README.md', 'test/README.md', 'spec/README.md'].filter((f) => existsSync(join(repoRoot, f)));
  for (const p of readdirSync(join(repoRoot, 'packages')).sort()) if (existsSync(join(repoRoot, 'packages', p, 'README.md'))) out.push(`packages/${p}/README.md`);
  const walk = (d: string) => {
    for (const e of readdirSync(join(repoRoot, d), { withFileTypes: true })) {
      if (e.isDirectory() && !['node_modules', 'dist', '.turbo', 'test-output'].includes(e.name)) walk(`${d}/${e.name}`);
      else if (e.name === 'README.md') out.push(`${d}/${e.name}`);
    }
  };
  if (existsSync(join(repoRoot, 'docs'))) walk('docs');
  return out;
}

export function blocks(file: string, text: string): Block[] {
  const lines = text.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^```(\w+)\s*$/.exec(lines[i]!);
    if (!m) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) break;
    const lang = LANGS[m[1]!.toLowerCase()];
    const start = i;
    i = end;
    if (!lang) continue;
    let k = start - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    const mark = k >= 0 ? MARKER.exec(lines[k]!.trim()) : null;
    const mode: Mode = mark ? (mark[1] as Mode) : lang === 'js' ? 'run' : lang === 'ts' ? 'typecheck' : 'check';
    out.push({ file, line: start + 1, lang, code: lines.slice(start + 1, end).join('\n') + '\n', mode, reason: mark?.[2], id: `${file.replace(/[^a-z0-9]+/gi, '_')}_L${start + 1}` });
  }
  return out;
}

const all = readmes().flatMap((f) => blocks(f, readFileSync(join(repoRoot, f), 'utf8')));
const work = join(testRoot, '.readme-blocks'); // inside the repo, so @kallglot/* resolve from the workspace
const require = createRequire(import.meta.url);
type Mock = { urls: { rest: string; stream: string }; close(): Promise<void> };
let mock: Mock | undefined;
let statelessMock: Mock | undefined;
let receiver: Server;
let receiverUrl = '';
const tscErrors = new Map<string, string[]>();

const substitute = (code: string, m = mock!) =>
  code
    .replaceAll('http://127.0.0.1:4010', m.urls.rest.replace(/\/$/, ''))
    .replaceAll('ws://127.0.0.1:4011', m.urls.stream.replace(/\/$/, ''))
    .replaceAll('http://127.0.0.1:8080', receiverUrl);
const env = () => ({ ...process.env, KALLGLOT_API_KEY: 'sk_test_readme_examples', KALLGLOT_BASE_URL: mock!.urls.rest.replace(/\/$/, ''), NO_COLOR: '1' });

function runAsync(cmd: string, args: string[], cwd: string, timeoutMs = 90_000) {
  return new Promise<{ status: number | null; out: string }>((resolve) => {
    const child = spawn(cmd, args, { cwd, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      out += `\n(killed after ${timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, out });
    });
  });
}

beforeAll(async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'tc'), { recursive: true });
  copyFileSync(join(repoRoot, 'packages/stream/examples/call.wav'), join(work, 'call.wav'));
  const { startMock } = await import('@kallglot/mock');
  mock = (await startMock({ host: '127.0.0.1', restPort: 0, streamPort: 0, docsDir: false } as never)) as never;
  if (all.some((b) => b.mode === 'stateless')) statelessMock = (await startMock({ host: '127.0.0.1', restPort: 0, streamPort: 0, docsDir: false, stateless: true } as never)) as never;
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  }).listen(0, '127.0.0.1');
  await new Promise((r) => receiver.once('listening', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  // One tsc run over every block that type-checks; errors are mapped back to their block.
  const tc = all.filter((b) => b.mode === 'typecheck');
  for (const b of tc) writeFileSync(join(work, 'tc', `${b.id}.${b.lang === 'ts' ? 'ts' : 'mjs'}`), `${b.code}\nexport {};\n`);
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, allowJs: true, checkJs: true, types: ['node'], lib: ['ES2022', 'DOM'], resolveJsonModule: true },
    include: ['tc/*'],
  }));
  if (tc.length) {
    const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(work, 'tsconfig.json')], { cwd: work, encoding: 'utf8' });
    for (const line of r.stdout.split('\n')) {
      const m = /^tc\/([^.]+)\.\w+\((\d+),(\d+)\): (.*)$/.exec(line.trim());
      if (m) tscErrors.set(m[1]!, [...(tscErrors.get(m[1]!) ?? []), `line ${m[2]} of the block: ${m[4]}`]);
    }
  }
}, 180_000);

afterAll(async () => {
  await mock?.close();
  await statelessMock?.close();
  receiver?.close();
  rmSync(work, { recursive: true, force: true });
});

it('finds the README blocks', () => {
  expect(all.length).toBeGreaterThan(20);
  for (const b of all.filter((x) => x.mode === 'skip')) expect(b.reason, `${b.file}:${b.line} is skipped without a reason`).toBeTruthy();
});

describe.each(readmes())('%s', (file) => {
  const mine = all.filter((b) => b.file === file);
  it.runIf(mine.length === 0)('has no js/ts/sh block', () => {});
  it.each(mine.map((b) => [`line ${b.line}: ${b.lang} block, ${b.mode}${b.reason ? ` (${b.reason})` : ''}`, b] as const))('%s', async (_title, b) => {
    const where = `${b.file}:${b.line}`;
    if (b.mode === 'skip') return;
    if (b.mode === 'typecheck') {
      expect(tscErrors.get(b.id) ?? [], `${where} does not type-check`).toEqual([]);
      return;
    }
    if (b.lang === 'sh') {
      const syntax = spawnSync('bash', ['-n'], { input: b.code, encoding: 'utf8' });
      expect(syntax.status, `${where}: bash -n: ${syntax.stderr}`).toBe(0);
      if (b.mode !== 'run') return;
      const r = await runAsync('bash', ['-euo', 'pipefail', '-c', substitute(b.code)], join(repoRoot, dirname(b.file)));
      expect(r.status, `${where} failed:\n${r.out}`).toBe(0);
      return;
    }
    const path = join(work, `${b.id}.mjs`);
    writeFileSync(path, substitute(b.code, b.mode === 'stateless' ? statelessMock : mock));
    const r = await runAsync(process.execPath, [path], work);
    expect(r.status, `${where} failed (run as ${relative(repoRoot, path)}):\n${r.out}`).toBe(0);
  }, 120_000);
});
