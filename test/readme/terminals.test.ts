// The shell blocks whose commands are labelled "# Terminal N: …" (test/readme/blocks.ts finds them) run as a reader
// runs them: each terminal's command, as written, is its own process (bash -c, its own process group, like a
// terminal), started in order in one folder; a server's terminal is ready when it prints its banner; the last
// terminal runs to completion; "press Ctrl+C in terminal N" sends SIGINT to that terminal's process group.
// The only change to the text is the ports, as in readme.test.ts: 127.0.0.1:4010/:4011/:4020/:8080 become free
// ports (a webhook receiver answering 200 listens on the :8080 one), and the servers the text starts on their
// default ports get those ports as flags (`--rest-port/--stream-port/--docs-port` for the mock, `--port` for the
// proxy). Only KALLGLOT_API_KEY is set; npx resolves the workspace's bins offline. Every process exits 0 with
// nothing on stderr but the servers' informational lines (INFO).
// Today they are the record-replay guide's: record call.har through the proxy (section 1), replay it (section 3).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.ts';
import { blocks, markdownFiles, terminals, type Block } from './blocks.ts';

const GUIDE = 'docs/guides/record-replay/README.md';
const guide = blocks(GUIDE, readFileSync(join(repoRoot, GUIDE), 'utf8'));
const all = markdownFiles().flatMap((f) => blocks(f, readFileSync(join(repoRoot, f), 'utf8')));
const byText = (re: RegExp) => guide.find((b) => re.test(b.code))!;
const program = byText(/^\/\/ your-program\.mjs/);
const record = byText(/--record call\.har/);
const replay = byText(/--replay call\.har/);
// Inside the repo, so npx finds the workspace's bins; outside the workspaces and without a package.json, so npx
// runs the command in this folder (in a workspace's folder, npm exec moves to the workspace's root).
const work = join(repoRoot, '.readme-terminals');
const KEY = 'sk_test_readme_terminals';
const BOUND_MS = 90_000;
// What the servers print on stderr when all is well: the mock's shutdown, the proxy's trace of a conforming exchange
// and of a webhook your receiver took. Any other stderr line (an error, a violation, a warning) fails the test.
const INFO = [/^kallglot-mock: SIG(INT|TERM) received, shutting down$/, /^→ [A-Z]+ \/\S* \d{3} \(\d+ ms\) ok$/, /^↪ webhook → \S+ 2\d\d$/];

type Proc = { child: ChildProcess; out: string; err: string; exit: Promise<number | null> };
const procs: Proc[] = [];
const ports: Record<string, number> = {};
let receiver: Server;

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** The text with readme.test.ts's port substitution, and the default ports of the servers it starts made explicit. */
const substitute = (code: string) =>
  code
    .replaceAll('127.0.0.1:4010', `127.0.0.1:${ports.rest}`)
    .replaceAll('127.0.0.1:4011', `127.0.0.1:${ports.stream}`)
    .replaceAll('127.0.0.1:4020', `127.0.0.1:${ports.proxy}`)
    .replaceAll('127.0.0.1:8080', `127.0.0.1:${ports.receiver}`)
    .replaceAll('npx @kallglot/mock', `npx @kallglot/mock --rest-port ${ports.rest} --stream-port ${ports.stream} --docs-port 0`)
    .replaceAll('npx kallglot-contract proxy', `npx kallglot-contract proxy --port ${ports.proxy}`);

function env(): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { NO_COLOR: '1', npm_config_offline: 'true', npm_config_update_notifier: 'false' };
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KALLGLOT_') && !(k in out)) out[k] = v;
  return { ...out, KALLGLOT_API_KEY: KEY };
}

function start(command: string): Proc {
  const child = spawn('bash', ['-c', substitute(command)], { cwd: work, env: env(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = { child, out: '', err: '', exit: new Promise((r) => child.once('exit', (code) => r(code))) };
  child.stdout!.on('data', (d) => (p.out += d));
  child.stderr!.on('data', (d) => (p.err += d));
  procs.push(p);
  return p;
}

/** Resolves when the process has printed its banner (servers print it once they listen); fails if it exits first. */
function ready(p: Proc, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no banner after ${BOUND_MS} ms:\n${p.out}${p.err}`)), BOUND_MS);
    const check = () => {
      if (p.out.trim()) {
        clearTimeout(timer);
        resolve();
      } else setTimeout(check, 50);
    };
    check();
    void p.exit.then((code) => reject(new Error(`${what} exited ${code} before it was ready:\n${p.out}${p.err}`)));
  });
}

/** The exit status, or a failure naming the process after BOUND_MS. */
function exited(p: Proc, what: string): Promise<number | null> {
  let timer: NodeJS.Timeout;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} still running after ${BOUND_MS} ms:\n${p.out}${p.err}`)), BOUND_MS)));
  return Promise.race([p.exit, late]).finally(() => clearTimeout(timer));
}

/** Every process of the terminal's group (npx, its shell, the server and what it started) has exited. */
async function groupGone(p: Proc, what: string): Promise<void> {
  const alive = () => {
    try {
      process.kill(-p.child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  const until = Date.now() + BOUND_MS;
  while (alive()) {
    if (Date.now() > until) throw new Error(`${what}: processes still running after ${BOUND_MS} ms:\n${p.out}${p.err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const stderrOf = (p: Proc) => p.err.split('\n').filter((l) => l.trim() && !INFO.some((re) => re.test(l)));

/**
 * Runs one block's terminals: the servers (each ready before the next starts), the last terminal to completion,
 * then Ctrl+C in the terminal the text names, then the others; each bounded, each process group gone at the end.
 * Returns each terminal's process (in the block's order) and the last terminal's exit status.
 */
async function runTerminals(b: Block): Promise<{ run: Proc[]; status: number | null }> {
  const ts = terminals(b.code);
  const ctrlC = Number(/press Ctrl\+C in terminal (\d+)/i.exec(b.code)?.[1]);
  expect(ts.length, `${b.file}:${b.line}`).toBeGreaterThan(1);
  expect(ts.map((t) => t.n).includes(ctrlC), `${b.file}:${b.line} says which terminal to stop with Ctrl+C`).toBe(true);
  const run: Proc[] = [];
  let status: number | null = null;
  for (const [i, t] of ts.entries()) {
    const p = start(t.command);
    run.push(p);
    const what = `${b.file}:${b.line} terminal ${t.n}`;
    if (i < ts.length - 1) await ready(p, what);
    else status = await exited(p, what);
  }
  const order = [ctrlC, ...ts.map((t) => t.n).filter((n) => n !== ctrlC && n !== ts.at(-1)!.n)];
  for (const n of order) {
    const p = run[ts.findIndex((t) => t.n === n)]!;
    const what = `${b.file}:${b.line} terminal ${n} after Ctrl+C`;
    process.kill(-p.child.pid!, 'SIGINT'); // Ctrl+C: the terminal's whole process group
    const code = await exited(p, what);
    // npx's shell dies of the SIGINT at once (a terminal shows 130); the server behind it finishes its shutdown.
    expect(code === 0 || p.child.signalCode === 'SIGINT', `${what}: status ${code}:\n${p.out}${p.err}`).toBe(true);
    await groupGone(p, what);
  }
  return { run, status };
}

/** The last terminal exited 0 and no terminal wrote anything but INFO lines to stderr. */
function expectClean(b: Block, { run, status }: { run: Proc[]; status: number | null }) {
  const last = run.at(-1)!;
  expect(status, `${b.file}:${b.line}: the last terminal failed:\n${last.out}${last.err}`).toBe(0);
  for (const [i, p] of run.entries()) expect(stderrOf(p), `${b.file}:${b.line} terminal ${i + 1} wrote to stderr`).toEqual([]);
}

beforeAll(async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, '.gitignore'), '*\n');
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  }).listen(0, '127.0.0.1');
  await new Promise((r) => receiver.once('listening', r));
  ports.receiver = (receiver.address() as AddressInfo).port;
  for (const k of ['rest', 'stream', 'proxy']) ports[k] = await freePort();
  writeFileSync(join(work, 'your-program.mjs'), substitute(program.code)); // the reader saves the guide's block
});

afterAll(async () => {
  for (const p of procs) {
    try {
      process.kill(-p.child.pid!, 'SIGKILL');
    } catch {}
  }
  receiver?.close();
  rmSync(work, { recursive: true, force: true });
});

describe(`${GUIDE}: the terminals`, () => {
  it('are the blocks labelled "# Terminal N:" in the repository, and the guide defines your-program.mjs', () => {
    expect(all.filter((b) => b.mode === 'terminals').map((b) => b.id)).toEqual([record.id, replay.id]);
    expect(program.lang).toBe('js');
    expect(record.code).toMatch(/node your-program\.mjs/);
    expect(replay.code).toMatch(/node your-program\.mjs/);
  });

  let recorded = '';
  it('section 1: the sandbox, the recording proxy and the program; Ctrl+C in terminal 2 writes call.har without secrets', async () => {
    const result = await runTerminals(record);
    expectClean(record, result);
    recorded = result.run.at(-1)!.out;
    expect(recorded).toMatch(/^session sess_\S+ for agent \S+: \w+\n$/);
    const file = join(work, 'call.har');
    expect(existsSync(file), 'call.har written').toBe(true);
    const text = readFileSync(file, 'utf8');
    const har = JSON.parse(text) as { log: { version: string; entries: { request: { method: string; url: string } }[] } };
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries.map((e) => `${e.request.method} ${new URL(e.request.url).pathname}`)).toEqual(expect.arrayContaining(['POST /v1/agents', 'POST /v1/sessions']));
    for (const secret of [KEY, 'sk_test_yourkey', 'whsec_kallglot_mock']) expect(text.includes(secret), `${secret} reached call.har`).toBe(false);
    expect(text.match(/\b(sk_(test|live)|kst|whsec)_(?!REDACTED)\w+|\bv1=(?!REDACTED)\w+/g) ?? [], 'secrets in call.har').toEqual([]);
  }, 4 * BOUND_MS);

  it('section 3: the strict replay answers the same program with the recorded bodies and reports no difference on Ctrl+C', async () => {
    expect(recorded, 'section 1 ran').not.toBe('');
    const result = await runTerminals(replay);
    expectClean(replay, result);
    expect(result.run.at(-1)!.out, 'the replayed answers are the recorded ones').toBe(recorded);
  }, 3 * BOUND_MS);

  it('a control: a program that sends another body fails, and the strict replay names the difference on Ctrl+C', async () => {
    expect(recorded, 'section 1 ran').not.toBe('');
    writeFileSync(join(work, 'your-program.mjs'), substitute(program.code.replace("name: 'Concierge'", "name: 'Receptionist'")));
    const { run, status } = await runTerminals(replay);
    expect(status, run.at(-1)!.err).not.toBe(0);
    expect(run.at(-1)!.err).toMatch(/POST \/v1\/agents: 50[01]/);
    expect(stderrOf(run[0]!).join('\n')).toMatch(/strict replay failed: \d+ difference\(s\)[\s\S]*\/name/);
  }, 3 * BOUND_MS);
});
