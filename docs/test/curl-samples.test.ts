// Every curl sample of the REST reference runs as a reader copies it: `bash -euo pipefail`, only the sandbox's
// default address swapped for a test mock's, on fresh state (POST /_mock/reset), with only KALLGLOT_API_KEY set.
// It exits 0, prints nothing on stderr, calls neither an example id nor the production host, and prints the
// operation's answer: valid against the spec's response schema and about what the sample's own setup made.
// A control shows the runner bites: the same sample with a made-up id fails with the API's 404 envelope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileOpenApi } from '@kallglot/spec/validators';
import { DIST, OUTPUT, deref, ensureBuilt, ensurePackageBuilt } from './helpers/site.js';

const DIR = join(OUTPUT, 'curl-samples');
const SANDBOX = 'http://127.0.0.1:4010';
const POOL = 3; // samples that stream speech wait on real time: run a few at once, each on its own mock

/** An id written into a sample (`agt_01HXYZ…`, `kb_01ABC123`): the sample would read what it did not make. */
const EXAMPLE_ID = /\b[a-z]{2,5}_[0-9][0-9A-Za-z]{4,}/;

type RunningMock = { urls: { rest: string }; close(): Promise<void> };
type Sample = { operationId: string; source: string; status: string; binary: boolean; speech: boolean };
type Run = { status: number | null; out: string; err: string; dir: string };

const mocks: { mock: RunningMock; log: string[] }[] = [];
const validators = compileOpenApi();
const rest = (m: RunningMock) => m.urls.rest.replace(/\/$/, '');

/** A line outside shell comments that names the production host: a call the test must never make. */
const callsProduction = (source: string) => source.split('\n').some((l) => l.replace(/(^|\s)#.*$/, '').includes('api.kallglot.com'));

function curlSamples(): Sample[] {
  const spec = JSON.parse(readFileSync(join(DIST, 'spec', 'openapi.json'), 'utf8'));
  const out: Sample[] = [];
  for (const item of Object.values<any>(spec.paths)) {
    for (const op of Object.values<any>(item)) {
      const sample = op?.['x-codeSamples']?.find((s: any) => s.lang === 'curl');
      if (!sample) continue;
      const status = Object.keys(op.responses).filter((c) => /^2/.test(c)).sort()[0]!;
      const types = Object.keys(deref(spec, op.responses[status])?.content ?? {});
      out.push({ operationId: op.operationId, source: sample.source, status, binary: types.length > 0 && !types.some((t) => t.includes('json')), speech: sample.source.includes('@kallglot/stream') });
    }
  }
  return out.sort((a, b) => Number(b.speech) - Number(a.speech)); // the slow ones first
}

/** Runs a sample as shown, with only KALLGLOT_API_KEY set, in a directory of its own. Async: the mock is in-process. */
function runCurl(mock: RunningMock, name: string, source: string): Promise<Run> {
  const dir = join(DIR, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'sample.sh'), source.replaceAll(SANDBOX, rest(mock)));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KALLGLOT_')));
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', 'sample.sh'], { cwd: dir, env: { ...env, KALLGLOT_API_KEY: 'sk_test_docs_curl' }, timeout: 120_000 });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (status) => resolve({ status, out, err, dir }));
  });
}

async function reset(mock: RunningMock): Promise<void> {
  const res = await fetch(`${rest(mock)}/_mock/reset`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  expect(res.status).toBe(200);
}

/** The answer on stdout, without the lines a sample prints about what it waits for and what it saved. */
const answerOf = (out: string) => out.split('\n').filter((l) => !/^(waiting for .*…|saved \S+)$/.test(l)).join('\n');

/** The ids an answer names that the sample's setup made (the mock's state, fresh before the sample ran). */
async function madeBySetup(mock: RunningMock, answer: any): Promise<string[]> {
  const state = await (await fetch(`${rest(mock)}/_mock/state?full=true`)).json();
  const tenants = Object.values<any>(state.tenants);
  expect(tenants).toHaveLength(1);
  const sessions = new Set<string>(tenants[0].session_ids);
  const agents = new Set<string>(tenants[0].agents.map((a: any) => a.id));
  const items = answer.object === 'list' ? [answer, ...answer.data] : [answer];
  return items.flatMap((x: any) => [
    ...(x.object === 'session' && sessions.has(x.id) ? [x.id] : []),
    ...(x.session_id && sessions.has(x.session_id) ? [x.session_id] : []),
    ...(x.object === 'list' ? [...sessions].filter((id) => String(x.url).includes(`/${id}/`)) : []),
    ...(x.object === 'agent' && (x.deleted ? !agents.has(x.id) : agents.has(x.id)) ? [x.id] : []),
  ]);
}

async function check(mock: RunningMock, s: Sample): Promise<void> {
  expect(s.source, s.operationId).not.toMatch(EXAMPLE_ID);
  expect(callsProduction(s.source), s.operationId).toBe(false);
  expect(s.source, s.operationId).toContain(`\nKALLGLOT_BASE_URL=${SANDBOX}\n`);
  await reset(mock);
  const r = await runCurl(mock, s.operationId, s.source);
  expect(r.err, `${s.operationId}:\n${s.source}\n${r.out}`).toBe('');
  expect(r.status, `${s.operationId}:\n${r.out}`).toBe(0);
  if (s.binary) {
    expect(r.out).toMatch(/\nsaved recording\.mp3\n$/);
    const mp3 = readFileSync(join(r.dir, 'recording.mp3'));
    expect(mp3.length, s.operationId).toBeGreaterThan(1000); // speech, not an empty file
    expect(mp3.subarray(0, 3).toString('latin1') === 'ID3' || (mp3[0] === 0xff && (mp3[1]! & 0xe0) === 0xe0), s.operationId).toBe(true);
    return;
  }
  const answer = JSON.parse(answerOf(r.out));
  const validate = validators.response(s.operationId, s.status);
  expect(validate(answer) ? [] : validate.errors, `${s.operationId}: ${r.out}`).toEqual([]);
  if (s.source.includes('# Something to read')) expect(await madeBySetup(mock, answer), `${s.operationId}: ${r.out}`).not.toEqual([]);
  // Where the setup streamed speech, the answer shows it: a ready recording, a transcript with a turn.
  if (s.operationId === 'retrieveRecording') expect(answer.status).toBe('ready');
  if (s.operationId === 'retrieveSessionTranscript') expect(answer.turns.length).toBeGreaterThan(0);
}

beforeAll(async () => {
  ensureBuilt();
  ensurePackageBuilt('packages/stream', '@kallglot/stream');
  ensurePackageBuilt('packages/mock', '@kallglot/mock');
  const curl = spawnSync('curl', ['--version'], { encoding: 'utf8' });
  if (curl.status !== 0) throw new Error('curl is not installed: apt-get install -y curl (the REST reference shows curl samples)');
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const { startMock } = (await import('@kallglot/mock')) as unknown as { startMock: (o: object) => Promise<RunningMock> };
  for (let i = 0; i < POOL; i++) {
    const log: string[] = [];
    mocks.push({ mock: await startMock({ host: '127.0.0.1', restPort: 0, streamPort: 0, docsDir: false, log: (l: string) => log.push(l) }), log });
  }
}, 180_000);

afterAll(async () => {
  await Promise.all(mocks.map(({ mock }) => mock.close()));
});

describe('curl samples of the REST reference', () => {
  it('each curl sample runs as shown against a fresh sandbox: it creates what it reads and prints the answer', async () => {
    const samples = curlSamples();
    expect(samples.length).toBeGreaterThanOrEqual(16);
    expect(samples.filter((s) => s.speech).map((s) => s.operationId).sort()).toEqual(['createSessionAnalysis', 'downloadRecordingAudio', 'retrieveAnalysis', 'retrieveRecording', 'retrieveSessionTranscript']);
    const queue = [...samples];
    await Promise.all(mocks.map(async ({ mock }) => {
      for (let s = queue.shift(); s; s = queue.shift()) await check(mock, s);
    }));
    // Speech is streamed in real time: the sandbox logged no audio problem (too fast, a WAV header, PCM bytes).
    expect(mocks.flatMap(({ log }) => log.filter((l) => /\baudio (too_fast|wav_header|pcm16_bytes)\b/.test(l)))).toEqual([]);
  }, 300_000);

  it('the runner bites: the same sample with a made-up id fails with the API 404 envelope; example ids and production calls are caught', async () => {
    const { mock } = mocks[0]!;
    const sample = curlSamples().find((s) => s.operationId === 'retrieveAgent')!;
    await reset(mock);
    const r = await runCurl(mock, 'control-made-up-id', sample.source.replace('"$KALLGLOT_BASE_URL/v1/agents/$AGENT_ID"', '"$KALLGLOT_BASE_URL/v1/agents/agt_MadeUp0000"'));
    expect(r.status).toBe(22); // curl --fail-with-body: an HTTP error exits non-zero…
    expect(r.err).toMatch(/curl: \(22\).*404/);
    const envelope = JSON.parse(r.out); // …and shows the API's error envelope
    const validate = validators.response('retrieveAgent', 404);
    expect(validate(envelope) ? [] : validate.errors).toEqual([]);
    expect(envelope.error.message).toContain('agt_MadeUp0000');
    expect('curl https://api.kallglot.com/v1/agents/agt_01HXYZ123456789').toMatch(EXAMPLE_ID); // the samples as they were
    expect('-d \'{"knowledge_base_id": "kb_01ABC123"}\'').toMatch(EXAMPLE_ID);
    expect(callsProduction('curl -sS https://api.kallglot.com/v1/agents')).toBe(true);
    expect(callsProduction('# production: https://api.kallglot.com\nX=http://127.0.0.1:4010 # not https://api.kallglot.com')).toBe(false);
  }, 60_000);
});
