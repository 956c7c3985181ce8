// Every TypeScript code sample of the REST reference, and the guide programs, type-check against the built
// @kallglot/client and @kallglot/stream types (tsc, strict). A broken control sample proves the check bites.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DIST, DOCS_ROOT, OUTPUT, ensureBuilt, ensurePackageBuilt, operations, readSpec } from './helpers/site.js';

const require = createRequire(import.meta.url);
const DIR = join(OUTPUT, 'samples');
const tsc = join(require.resolve('typescript/package.json'), '..', 'bin', 'tsc');

function typecheck(files: string[]): { ok: boolean; output: string } {
  const config = {
    compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true,
      skipLibCheck: true, types: ['node'], lib: ['ES2022', 'DOM'],
    },
    files,
  };
  writeFileSync(join(DIR, 'tsconfig.json'), JSON.stringify(config, null, 2));
  const run = spawnSync(process.execPath, [tsc, '-p', join(DIR, 'tsconfig.json')], { cwd: DIR, encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

const docsSpec = () => JSON.parse(readFileSync(join(DIST, 'spec', 'openapi.json'), 'utf8'));

beforeAll(() => {
  ensureBuilt();
  ensurePackageBuilt('packages/client', '@kallglot/client');
  ensurePackageBuilt('packages/stream', '@kallglot/stream');
  ensurePackageBuilt('packages/mock', '@kallglot/mock');
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  // ESM, so samples may use top-level await like a user's script would.
  writeFileSync(join(DIR, 'package.json'), JSON.stringify({ type: 'module', private: true }));
}, 180_000);

type RunningMock = { urls: { rest: string }; close(): Promise<void> };
// Samples that stream speech wait on real time: a few run at once, each on a mock of its own (reset before each).
const POOL = 3;
const mocks: { mock: RunningMock; log: string[] }[] = [];
afterAll(async () => {
  await Promise.all(mocks.map(({ mock }) => mock.close()));
});

// A sample as the page shows it, with only the sandbox's default address swapped for this mock's, run with tsx
// and only KALLGLOT_API_KEY set. Async: the mock lives in this process.
function runSample(mock: RunningMock, file: string, code: string): Promise<{ status: number | null; out: string; err: string }> {
  writeFileSync(join(DIR, file), code.replaceAll('http://127.0.0.1:4010', mock.urls.rest.replace(/\/$/, '')));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KALLGLOT_')));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(DIR, file)], { cwd: DIR, env: { ...env, KALLGLOT_API_KEY: 'sk_test_docs_samples' }, timeout: 90_000 });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (status) => resolve({ status, out, err }));
  });
}

describe('code samples', () => {
  it('every operation has a curl and a TypeScript sample generated at build time', () => {
    const spec = docsSpec();
    const ids = operations(readSpec('openapi')).map((o) => o.operationId);
    const withSamples = new Map<string, any[]>();
    for (const item of Object.values<any>(spec.paths)) {
      for (const op of Object.values<any>(item)) if (op?.operationId) withSamples.set(op.operationId, op['x-codeSamples'] ?? []);
    }
    for (const id of ids) {
      const langs = (withSamples.get(id) ?? []).map((s) => s.lang);
      expect(langs, id).toEqual(['curl', 'TypeScript']);
    }
  });

  it('each TypeScript sample and each guide program (quickstart, webhooks) type-check against the built client types', () => {
    const spec = docsSpec();
    const files: string[] = [];
    for (const item of [...Object.values<any>(spec.paths), ...Object.values<any>(spec.webhooks ?? {})]) {
      for (const op of Object.values<any>(item)) {
        const sample = op?.['x-codeSamples']?.find((s: any) => s.lang === 'TypeScript');
        if (!sample) continue;
        writeFileSync(join(DIR, `${op.operationId}.ts`), sample.source);
        files.push(`${op.operationId}.ts`);
      }
    }
    for (const guide of readdirSync(join(DOCS_ROOT, 'guides')).filter((f) => f.endsWith('.ts'))) {
      copyFileSync(join(DOCS_ROOT, 'guides', guide), join(DIR, `guide-${guide}`));
      files.push(`guide-${guide}`);
    }
    expect(files.length).toBeGreaterThanOrEqual(18 + Object.keys(spec.webhooks ?? {}).length);
    const result = typecheck(files);
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  }, 120_000);

  it('the Stream page shows whole programs: the guide program (run by test/readme) and snippets that run on their own', () => {
    const html = readFileSync(join(DIST, 'stream.html'), 'utf8');
    const unescape = (t: string) => t.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#(x?)([0-9a-f]+);/gi, (_, x, n) => String.fromCodePoint(parseInt(n, x ? 16 : 10))).replace(/&amp;/g, '&');
    const programs = [...html.matchAll(/<pre[^>]*><code[^>]*>([\s\S]*?)<\/code><\/pre>/g)].map((m) => unescape(m[1]!)).filter((c) => /^import /m.test(c));
    const guide = readFileSync(join(DOCS_ROOT, 'guides', 'stream.ts'), 'utf8');
    expect(programs.map((p) => p.trim())).toContain(guide.trim());
    const others = programs.filter((p) => p.trim() !== guide.trim());
    expect(others.length).toBeGreaterThan(0);
    others.forEach((code, i) => {
      writeFileSync(join(DIR, `stream-page-${i}.ts`), code);
      const run = spawnSync(process.execPath, ['--import', 'tsx', join(DIR, `stream-page-${i}.ts`)], { cwd: DIR, encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr, code).toBe('');
      expect(run.status, code).toBe(0);
    });
  }, 120_000);

  it('each TypeScript sample runs as shown against a fresh sandbox: it creates what it reads', async () => {
    const { startMock } = (await import('@kallglot/mock')) as unknown as { startMock: (o: object) => Promise<RunningMock> };
    for (let i = 0; i < POOL; i++) {
      const log: string[] = [];
      mocks.push({ mock: await startMock({ host: '127.0.0.1', restPort: 0, streamPort: 0, docsDir: false, log: (l: string) => log.push(l) }), log });
    }
    const spec = docsSpec();
    const samples: [string, string][] = [];
    for (const item of [...Object.values<any>(spec.paths), ...Object.values<any>(spec.webhooks ?? {})]) {
      for (const op of Object.values<any>(item)) {
        const sample = op?.['x-codeSamples']?.find((s: any) => s.lang === 'TypeScript');
        if (sample) samples.push([op.operationId ?? op.summary, sample.source]);
      }
    }
    expect(samples.length).toBeGreaterThanOrEqual(16);
    const queue = samples.sort(([, a], [, b]) => Number(b.includes('sendAudio')) - Number(a.includes('sendAudio'))); // slow ones first
    await Promise.all(mocks.map(async ({ mock }) => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [name, source] = next;
        const reset = await fetch(`${mock.urls.rest.replace(/\/$/, '')}/_mock/reset`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
        expect(reset.status).toBe(200);
        expect(source, name).not.toMatch(/\b[a-z]{2,5}_[0-9][0-9A-Za-z]{4,}/); // no example id (agt_01HXYZ…, kb_01ABC123)
        const r = await runSample(mock, `run-${String(name).replace(/\W+/g, '-')}.ts`, source);
        expect(r.err, `${name}:\n${source}\n${r.out}`).toBe('');
        expect(r.status, `${name}:\n${r.out}`).toBe(0);
      }
    }));
    // Speech goes in real time, as a call sends it: the sandbox logged no audio problem (too fast, a WAV header…).
    expect(mocks.flatMap(({ log }) => log.filter((l) => /\baudio (too_fast|wav_header|pcm16_bytes)\b/.test(l)))).toEqual([]);
  }, 400_000);

  it('a sample with a wrong path, body or event type fails the type-check (the check is real)', () => {
    writeFileSync(
      join(DIR, 'control.ts'),
      [
        `import { createKallglotClient, verifyWebhook } from '@kallglot/client';`,
        `const kallglot = createKallglotClient({ apiKey: 'sk_test_x' });`,
        `await kallglot.GET('/v1/sessions');`,
        `await kallglot.POST('/v1/sessions', { body: { mode: 'not_a_mode' } });`,
        `const event = await verifyWebhook({ payload: '{}', header: undefined, secret: 's' });`,
        `if (event.type === 'session.exploded') console.log(event);`,
      ].join('\n'),
    );
    const result = typecheck(['control.ts']);
    expect(result.ok).toBe(false);
    // Each wrong line is rejected: the missing GET route, the unknown enum value, the unknown event type.
    expect(result.output).toMatch(/control\.ts\(3,\d+\): error TS/);
    expect(result.output).toMatch(/control\.ts\(4,\d+\): error TS/);
    expect(result.output).toMatch(/control\.ts\(6,\d+\): error TS/);
    expect(result.output).not.toMatch(/control\.ts\(5,\d+\): error TS/);
  }, 120_000);
});
