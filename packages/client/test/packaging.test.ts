// The published shape: builds with tsc, publint and attw are clean, and the browser path has no Node built-ins.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const pkgDir = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const binOf = (pkg: string, name: string) => {
  const p = require.resolve(`${pkg}/package.json`);
  const bin = (require(p) as { bin: string | Record<string, string> }).bin;
  return join(p, '..', typeof bin === 'string' ? bin : bin[name]!);
};
const run = (args: string[]) => spawnSync(process.execPath, args, { cwd: pkgDir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });

beforeAll(() => {
  const r = run([require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
  expect(`${r.stdout}${r.stderr}`).toBe('');
  expect(r.status).toBe(0);
}, 120_000);

describe('package', () => {
  it('emits ESM with declarations for every module', () => {
    const files = readdirSync(join(pkgDir, 'dist'), { recursive: true }).map(String);
    for (const f of ['index.js', 'index.d.ts', 'client.js', 'webhooks.js', 'generated/openapi.d.ts']) expect(files).toContain(f);
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    expect(pkg.type).toBe('module');
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
  });

  it('publint is clean (strict)', async () => {
    const { publint } = await import('publint');
    const { formatMessage } = await import('publint/utils');
    const { messages, pkg } = await publint({ pkgDir, strict: true, pack: 'npm' });
    expect(messages.map((m) => formatMessage(m, pkg) ?? m.code)).toEqual([]);
  }, 120_000);

  it('@arethetypeswrong/cli is clean (esm-only profile)', () => {
    const r = run([binOf('@arethetypeswrong/cli', 'attw'), '--pack', '.', '--profile', 'esm-only', '--format', 'json']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
    const problems = (report.analysis?.problems ?? []).filter((p: { resolutionKind?: string }) => !['node10', 'node16-cjs'].includes(p.resolutionKind ?? ''));
    expect(problems).toEqual([]);
  }, 120_000);

  it('the browser path imports no Node built-ins (esbuild, platform browser)', async () => {
    for (const f of readdirSync(join(pkgDir, 'dist'), { recursive: true }).map(String).filter((x) => x.endsWith('.js'))) {
      expect(readFileSync(join(pkgDir, 'dist', f), 'utf8'), f).not.toMatch(/from ['"](node:|fs|crypto|http|https|net|stream|buffer|util)['"]|require\(/);
    }
    const out = await build({ entryPoints: [join(pkgDir, 'dist/index.js')], bundle: true, write: false, platform: 'browser', format: 'esm', logLevel: 'silent' });
    expect(out.errors).toEqual([]);
    expect(out.outputFiles[0]!.text).toContain('verifyWebhook');
  });

  it('the built package works from plain Node (dist import)', async () => {
    const mod = await import(join(pkgDir, 'dist/index.js'));
    expect(typeof mod.createKallglotClient).toBe('function');
    const header = await mod.signWebhook({ payload: '{"type":"session.created"}', secret: 's', timestamp: 1 });
    await expect(mod.verifyWebhook({ payload: '{"type":"session.created"}', header, secret: 's', now: 1 })).resolves.toEqual({ type: 'session.created' });
  });
});
