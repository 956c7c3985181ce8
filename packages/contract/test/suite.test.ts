// `kallglot-contract test`: passes against the mock, fails with a clear report against a server with three
// seeded deviations, is read-only against other targets, masks secrets, and exits 2 on usage/connection errors.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM fixture
import { startWrongServer } from './fixtures/wrong-server.mjs';
import { quietMock, run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'kallglot-contract-suite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SECRET_KEY = 'sk_test_DoNotLeakThisKey_7f3a9c';
const allFiles = () => readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');

describe('against the built-in mock', { timeout: 180_000 }, () => {
  it('passes, covers every operation and documented status, the stream and the webhooks; the key never shows', async () => {
    const junit = join(dir, 'mock-junit.xml');
    const outFile = join(dir, 'mock.json');
    const r = await run(['test', '--api-key', SECRET_KEY, '--junit', junit, '--out', outFile]);
    const json = JSON.parse(readFileSync(outFile, 'utf8'));
    expect(json.summary.failed, r.out).toBe(0);
    expect(r.code).toBe(0);
    expect(json.summary.checks).toBeGreaterThan(500);
    expect(json.mode).toMatchObject({ writes: true, prefer: true });
    expect(json.coverage).toHaveLength(16);
    for (const c of json.coverage) expect(c.missing, `${c.operationId} statuses not provoked`).toEqual([]);
    expect(Object.keys(json.stream.types).sort()).toEqual([...json.spec.serverMessages].sort());
    expect(json.stream.closeCodes).toEqual([1000, 4001]);
    expect(Object.keys(json.webhooks.types)).toEqual(expect.arrayContaining(['session.created', 'session.ended']));
    expect(readFileSync(junit, 'utf8')).toContain(`tests="${json.summary.checks}" failures="0"`);
    expect(r.out).toMatch(/^PASS: \d+ checks, \d+ passed, 0 failed/m);
    // The key was sent on every request (the 401 checks prove auth mattered) but appears nowhere.
    expect(`${r.out}\n${r.err}\n${allFiles()}`).not.toContain(SECRET_KEY);
    expect(`${r.out}\n${allFiles()}`).not.toContain('DoNotLeakThisKey');
  });

  it('--only narrows the run', async () => {
    const r = await run(['test', '--only', 'listAgents', '--json']);
    const json = JSON.parse(r.out);
    expect(r.code).toBe(0);
    expect(json.coverage.map((c: { operationId: string }) => c.operationId)).toEqual(['listAgents']);
    expect(json.stream.frames).toBe(0);
    expect(new Set(json.checks.map((c: { group: string }) => c.group))).toEqual(new Set(['REST listAgents']));
  });
});

describe('against other targets', { timeout: 180_000 }, () => {
  let mock: Awaited<ReturnType<typeof quietMock>>;
  let wrong: { url: string; close(): Promise<void> };
  let honest: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    mock = await quietMock();
    wrong = await startWrongServer({ rest: mock.urls.rest, stream: mock.urls.stream });
    honest = await startWrongServer({ rest: mock.urls.rest, stream: mock.urls.stream, breakRest: false, breakStream: false });
  });
  afterAll(async () => {
    await wrong?.close();
    await honest?.close();
    await mock?.close();
  });

  it('fails with a clear report naming the field type, the status code and the stream frame', async () => {
    const junit = join(dir, 'wrong-junit.xml');
    const r = await run(['test', '--base-url', wrong.url, '--api-key', SECRET_KEY, '--allow-writes', '--allow-ws', '--no-prefer', '--junit', junit, '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    const failures: { name: string; message: string }[] = json.checks.filter((c: { status: string }) => c.status === 'fail');
    const kinds = new Set<string>();
    for (const f of failures) {
      if (/^body \/created_at must be string \(got \d{10}\)$/.test(f.message)) kinds.add('field type');
      else if (/GET \/v1\/agents\/agt_\w+( \[unknown id\])? → 203: status is documented/.test(f.name) || /status is 200$/.test(f.name)) kinds.add('status code');
      else if (/^pong: \/session_id must be string \(got 42\)$/.test(f.message) || /^ping → pong/.test(f.name)) kinds.add('stream frame');
      else kinds.add(`unexpected: ${f.name}: ${f.message}`);
    }
    expect([...kinds].sort()).toEqual(['field type', 'status code', 'stream frame']);
    expect(failures.some((f) => f.message === 'status 203 is not documented for retrieveAgent (documented: 200, 400, 401, 402, 403, 404, 429, 500, 503)')).toBe(true);
    const text = await run(['test', '--base-url', wrong.url, '--allow-writes', '--allow-ws', '--no-prefer', '--only', 'retrieveAgent,createSession,stream']);
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/^FAIL: /m);
    expect(text.out).toContain('Documented-part violations:');
    expect(text.out).toContain('[Stream] server frame pong matches its AsyncAPI payload');
    expect(text.out).toMatch(/POST \/v1\/sessions → 201: body\n\s+body \/created_at must be string \(got \d{10}\)/);
    expect(readFileSync(junit, 'utf8')).toMatch(/<failure message="body \/created_at must be string/);
    expect(`${r.out}${r.err}${allFiles()}`).not.toContain(SECRET_KEY);
  });

  it('is read-only against a target that is not a mock, and says what it skipped and why', async () => {
    const r = await run(['test', '--base-url', honest.url, '--allow-ws'], { KALLGLOT_API_KEY: SECRET_KEY });
    expect(r.out).toContain('mode: read-only');
    expect(r.out).toMatch(/Skipped:\n(.*\n)*\s+- createSession \(POST \/v1\/sessions\): a write .*pass --allow-writes/);
    expect(r.out).toMatch(/- stream flow .*needs a fresh session from createSession, which is a write/);
    expect(r.out).toMatch(/- webhook deliveries: only checkable when the tool starts the mock/);
    expect(r.out).toMatch(/^PASS: /m);
    expect(r.code).toBe(0);
    expect(r.out + r.err).not.toContain(SECRET_KEY);
  });

  it('inferred-part deviations are warnings, and violations with --strict', async () => {
    const inferred = await startWrongServer({ rest: mock.urls.rest, stream: mock.urls.stream, breakRest: false, breakStream: false, breakInferred: true });
    try {
      const args = ['test', '--base-url', inferred.url, '--allow-writes', '--no-prefer', '--only', 'createSession,retrieveSession'];
      const loose = await run(args);
      expect(loose.code, loose.out).toBe(0);
      expect(loose.out).toMatch(/^PASS: \d+ checks, \d+ passed, 0 failed, [1-9]\d* inferred-part deviations/m);
      expect(loose.out).toContain('Inferred-part deviations (warnings; --strict counts them):');
      expect(loose.out).toMatch(/body \/duration_seconds must be number,null \(got "unknown"\)/);
      expect(loose.out).not.toContain('Documented-part violations:');
      const strict = await run([...args, '--strict']);
      expect(strict.code).toBe(1);
      expect(strict.out).toMatch(/^FAIL: /m);
      expect(strict.out).toContain('Inferred-part deviations (strict: counted as failures):');
    } finally {
      await inferred.close();
    }
  });

  it('exit 2: usage and connection errors', async () => {
    expect((await run(['test', '--bogus'])).code).toBe(2);
    expect((await run(['test', '--base-url', 'not a url'])).code).toBe(2);
    expect((await run(['test', '--only', 'noSuchOperation'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    const refused = await run(['test', '--base-url', 'http://127.0.0.1:9', '--api-key', SECRET_KEY]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});
