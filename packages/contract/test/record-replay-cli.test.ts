// The two command lines as a CI runs them, as child processes: `kallglot-contract proxy --record` writes its
// cassette when SIGTERM stops it, and `kallglot-mock --replay … --replay-strict` fails the run when the program
// sends a changed body: the client gets a 501 naming the difference, and the mock exits 1 naming it again.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMockControl } from '@kallglot/mock';
import harValidator from 'har-validator';
import { afterAll, describe, expect, it } from 'vitest';
import { KEY, recordCassette, within } from './record-helpers.js';
import { quietMock } from './helpers.js';
import { sessionLife } from './session-life.js';

const contractBin = fileURLToPath(new URL('../bin/kallglot-contract.js', import.meta.url));
const mockBin = join(dirname(createRequire(import.meta.url).resolve('@kallglot/mock/package.json')), 'bin', 'kallglot-mock.js');
const dir = mkdtempSync(join(tmpdir(), 'kallglot-cassette-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Spawns a bin; resolves once a stdout line matches `ready`, with the match and the exit to come. */
function start(bin: string, args: string[], ready: RegExp, env: NodeJS.ProcessEnv = {}) {
  const child: ChildProcess = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<{ code: number | null; out: string; err: string }>((r) => child.on('exit', (code) => r({ code, out, err })));
  const match = new Promise<RegExpMatchArray>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = ready.exec(out);
      if (m) resolve(m);
    });
    void exit.then((e) => reject(new Error(`${bin} exited ${e.code} before it was ready: ${e.err}`)));
  });
  return { child, match, exit };
}

describe('kallglot-contract proxy --record (child process)', () => {
  it('writes the cassette when SIGTERM stops it', async () => {
    const upstream = await quietMock();
    const file = join(dir, 'sigterm.har');
    try {
      const p = start(contractBin, ['proxy', '--upstream', upstream.urls.rest, '--port', '0', '--record', file], /listening on (http:\/\/\S+)/, { KALLGLOT_API_KEY: KEY });
      const [, url] = await p.match;
      const res = await fetch(`${url}/v1/agents`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Concierge', system_prompt: 'Help.' }) });
      expect(res.status).toBe(201);
      expect(existsSync(file)).toBe(false);
      p.child.kill('SIGTERM');
      const done = await p.exit;
      expect(done.code).toBe(0);
      const har = JSON.parse(readFileSync(file, 'utf8'));
      await expect(harValidator.har(har)).resolves.toBeTruthy();
      expect(har.log.entries.map((e: any) => `${e.request.method} ${new URL(e.request.url).pathname} ${e.response.status}`)).toEqual(['POST /v1/agents 201']);
      expect(JSON.stringify(har)).not.toContain(KEY);
    } finally {
      await upstream.close();
    }
  }, 60_000);
});

describe('kallglot-mock --replay --replay-strict (child process)', () => {
  it('a changed body fails the run with a message naming the difference (client 501, exit 1); --scenario-from seeds a sandbox', async () => {
    const file = join(dir, 'call.har');
    await within(recordCassette(file), 150_000, 'the recording');
    const m = start(mockBin, ['--replay', file, '--replay-strict', '--rest-port', '0', '--stream-port', '0', '--no-docs', '--json', '--time-scale', '0'], /^(\{.*"ready":true.*\})$/m);
    const urls = JSON.parse((await within(m.match, 60_000, 'the replay mock to be ready'))[1]!);
    const run = sessionLife({ baseUrl: urls.rest, apiKey: 'sk_test_ci', order: 'B-2' });
    await expect(run).rejects.toThrow(/POST \/v1\/sessions: 501 .*body differs at \/metadata\/order \(recorded \\?"A-1\\?", sent \\?"B-2\\?"\)/);
    m.child.kill('SIGTERM');
    const done = await within(m.exit, 30_000, 'the strict replay to exit after SIGTERM');
    expect(done.code).toBe(1);
    expect(done.err).toMatch(/strict replay failed: \d+ difference\(s\) from the cassette\. First: .*body differs at \/metadata\/order/);

    // The same cassette seeds a stateful sandbox: a session the program creates itself hears the recorded words.
    const recorded = JSON.parse(readFileSync(file, 'utf8')).log.entries.find((e: any) => e._resourceType === 'websocket')._webSocketMessages
      .map((f: any) => JSON.parse(f.data)).filter((f: any) => f.type === 'transcript.final').map((f: any) => f.text);
    expect(recorded[0]).toBe('Where is my package?');
    const s = start(mockBin, ['--scenario-from', file, '--rest-port', '0', '--stream-port', '0', '--no-docs', '--json'], /^(\{.*"ready":true.*\})$/m);
    const sandbox = JSON.parse((await within(s.match, 60_000, 'the seeded sandbox to be ready'))[1]!);
    const control = createMockControl(sandbox.rest);
    const life = await within(sessionLife({ baseUrl: sandbox.rest, apiKey: 'sk_test_seeded', advance: async (ms) => void (await control.advance(ms)) }), 90_000, 'the session life in the seeded sandbox');
    expect(life.frames.map((f) => JSON.parse(f)).filter((f) => f.type === 'transcript.final').map((f) => f.text)).toEqual(recorded); // the same speech: one turn per phrase, the recorded words in order
    s.child.kill('SIGTERM');
    expect((await within(s.exit, 30_000, 'the seeded sandbox to exit after SIGTERM')).code).toBe(0);
  }, 420_000);
});
