// Every example a reader can copy runs as shown (test/readme/blocks.ts finds them):
//  - against one @kallglot/mock this test starts on free ports (the text's 127.0.0.1:4010 / :4011 become its
//    ports, :8080 a webhook receiver that answers 200), reset to fresh state (POST /_mock/reset) before each block;
//  - with only KALLGLOT_API_KEY (an sk_test_ key) set: every other KALLGLOT_* variable is removed;
//  - js runs with Node, ts with tsx (and type-checks, strict), each from an empty ESM folder inside the repo; a ts
//    block that imports from 'vitest' is a test file and runs with `vitest run`;
//  - sh that calls the sandbox (curl) or runs a bundled example runs with bash -euo pipefail (cwd: the file's
//    folder); sh whose commands are labelled "# Terminal N:" (servers side by side, then a program) runs in
//    terminals.test.ts, each terminal its own process; other sh (install, build and test commands of the toolchain
//    itself) gets `bash -n`.
// Each run must exit 0 with nothing on stderr. A block that cannot run says "Not run in CI: <reason>" in the
// paragraph above it, at most MAX_NOT_RUN in the repository; an invisible <!-- readme-test … --> marker fails.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, testRoot } from '../helpers/paths.ts';
import { blocks, guides, HIDDEN_MARKER, markdownFiles, MAX_NOT_RUN, program, terminals, type Block } from './blocks.ts';

const files = [...markdownFiles(), ...guides('.ts')];
const all = files.flatMap((f) => {
  const text = readFileSync(join(repoRoot, f), 'utf8');
  return f.endsWith('.ts') ? [program(f, text)] : blocks(f, text);
});
const work = join(testRoot, '.readme-blocks'); // inside the repo, so @kallglot/* resolve from the workspace
const require = createRequire(import.meta.url);
type Mock = { urls: { rest: string; stream: string }; close(): Promise<void> };
let mock: Mock;
let receiver: Server;
let receiverUrl = '';
const tscErrors = new Map<string, string[]>();
const KEY = 'sk_test_readme_examples';

const substitute = (code: string) =>
  code
    .replaceAll('http://127.0.0.1:4010', mock.urls.rest.replace(/\/$/, ''))
    .replaceAll('ws://127.0.0.1:4011', mock.urls.stream.replace(/\/$/, ''))
    .replaceAll('http://127.0.0.1:8080', receiverUrl);

function env(): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { NO_COLOR: '1' };
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KALLGLOT_')) out[k] = v;
  return { ...out, KALLGLOT_API_KEY: KEY };
}

function runAsync(cmd: string, args: string[], cwd: string, timeoutMs = 90_000) {
  return new Promise<{ status: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(cmd, args, { cwd, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      err += `\n(killed after ${timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, out, err });
    });
  });
}

async function reset() {
  const r = await fetch(`${mock.urls.rest.replace(/\/$/, '')}/_mock/reset`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  expect(r.status, 'POST /_mock/reset').toBe(200);
}

function typecheckAll() {
  const tc = all.filter((b) => b.lang === 'ts' && b.mode === 'run');
  for (const b of tc) writeFileSync(join(work, 'tc', `${b.id}.ts`), `${b.code}\nexport {};\n`);
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], lib: ['ES2022', 'DOM'], resolveJsonModule: true },
    include: ['tc/*'],
  }));
  const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(work, 'tsconfig.json')], { cwd: work, encoding: 'utf8' });
  for (const line of r.stdout.split('\n')) {
    const m = /^tc\/([^.]+)\.\w+\((\d+),(\d+)\): (.*)$/.exec(line.trim());
    if (m) tscErrors.set(m[1]!, [...(tscErrors.get(m[1]!) ?? []), `line ${m[2]} of the block: ${m[4]}`]);
  }
}

beforeAll(async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'tc'), { recursive: true });
  writeFileSync(join(work, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
  const { startMock } = await import('@kallglot/mock');
  mock = (await startMock({ host: '127.0.0.1', restPort: 0, streamPort: 0, docsDir: false } as never)) as never;
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  }).listen(0, '127.0.0.1');
  await new Promise((r) => receiver.once('listening', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  typecheckAll();
}, 180_000);

afterAll(async () => {
  await mock?.close();
  receiver?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the rules', () => {
  it('finds the blocks, including the guides and their programs', () => {
    expect(all.length).toBeGreaterThan(40);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'packages/client/README.md', 'docs/guides/overview.md', 'docs/guides/quickstart.ts']));
  });

  it('no invisible marker is left: a block that cannot run says so in visible text', () => {
    const hidden = [...markdownFiles(), 'CONTRIBUTING.md'].filter((f) => HIDDEN_MARKER.test(readFileSync(join(repoRoot, f), 'utf8')));
    expect(hidden).toEqual([]);
  });

  it(`at most ${MAX_NOT_RUN} blocks in the repository say "Not run in CI:", each with a reason`, () => {
    const notRun = all.filter((b) => b.mode === 'not-run');
    expect(notRun.map((b) => `${b.file}:${b.line}`).length).toBeLessThanOrEqual(MAX_NOT_RUN);
    for (const b of notRun) expect(b.reason?.length ?? 0, `${b.file}:${b.line} gives no reason`).toBeGreaterThan(10);
  });

  it('the visible sentence is what marks a block (a fixture)', () => {
    const md = ['Intro.', '', 'Not run in CI: it needs a browser.', '', '```ts', 'x();', '```', '', 'Other.', '```js', 'y();', '```', '```sh', 'npm ci', '```', '```sh', 'curl -s http://127.0.0.1:4010/health', '```', '```sh', '# Terminal 1: the sandbox.', 'npx @kallglot/mock', '# Terminal 2: a program.', 'curl -s http://127.0.0.1:4010/health', '```'].join('\n');
    expect(blocks('x.md', md).map((b) => [b.lang, b.mode, b.reason])).toEqual([
      ['ts', 'not-run', 'it needs a browser.'], ['js', 'run', undefined], ['sh', 'check', undefined], ['sh', 'run', undefined], ['sh', 'terminals', undefined],
    ]);
    expect(terminals(blocks('x.md', md)[4]!.code)).toEqual([
      { n: 1, label: 'the sandbox.', command: 'npx @kallglot/mock\n' }, { n: 2, label: 'a program.', command: 'curl -s http://127.0.0.1:4010/health\n' },
    ]);
    expect(HIDDEN_MARKER.test('<!-- readme-test: skip — x -->')).toBe(true);
  });
});

async function runBlock(b: Block) {
  const where = `${b.file}:${b.line}`;
  await reset();
  if (b.lang === 'sh') {
    const r = await runAsync('bash', ['-euo', 'pipefail', '-c', substitute(b.code)], join(repoRoot, dirname(b.file)));
    expect(r.status, `${where} failed:\n${r.out}${r.err}`).toBe(0);
    return;
  }
  const vitest = b.lang === 'ts' && /from 'vitest'/.test(b.code);
  const path = join(work, `${b.id}.${vitest ? 'test.ts' : b.lang === 'ts' ? 'ts' : 'mjs'}`);
  writeFileSync(path, substitute(b.code));
  const args = vitest ? [join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs'), 'run', '--root', work, relative(work, path)] : b.lang === 'ts' ? ['--import', 'tsx', path] : [path];
  const r = await runAsync(process.execPath, args, work);
  const ran = `(run as ${relative(repoRoot, path)}):\n${r.out}${r.err}`;
  expect(r.status, `${where} failed ${ran}`).toBe(0);
  if (!vitest) expect(r.err, `${where} wrote to stderr ${ran}`).toBe('');
}

describe.each(files)('%s', (file) => {
  const mine = all.filter((b) => b.file === file);
  it.runIf(mine.length === 0)('has no js/ts/sh block', () => {});
  it.each(mine.map((b) => [`line ${b.line}: ${b.lang} block, ${b.mode}${b.reason ? ` (${b.reason})` : ''}`, b] as const))('%s', async (_title, b) => {
    const where = `${b.file}:${b.line}`;
    if (b.mode === 'not-run') return;
    if (b.lang === 'sh') {
      const syntax = spawnSync('bash', ['-n'], { input: b.code, encoding: 'utf8' });
      expect(syntax.status, `${where}: bash -n: ${syntax.stderr}`).toBe(0);
      if (b.mode === 'check' || b.mode === 'terminals') return; // terminals: run by terminals.test.ts
    }
    if (b.lang === 'ts') expect(tscErrors.get(b.id) ?? [], `${where} does not type-check`).toEqual([]);
    await runBlock(b);
  }, 120_000);
});
