// The build refuses bad input with a clear message instead of emitting a broken site.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOCS_ROOT } from './helpers/site.js';

const OPENAPI = join(DOCS_ROOT, '..', 'packages', 'spec', 'dist', 'openapi.json');
const ASYNCAPI = join(DOCS_ROOT, '..', 'packages', 'spec', 'dist', 'asyncapi.json');

function build(args: string[]) {
  const out = mkdtempSync(join(tmpdir(), 'kallglot-docs-'));
  const run = spawnSync(process.execPath, [join(DOCS_ROOT, 'scripts', 'build.mjs'), '--out', join(out, 'dist'), ...args], { encoding: 'utf8' });
  return { ...run, out, cleanup: () => rmSync(out, { recursive: true, force: true }) };
}

describe('build input checks', () => {
  it('names a missing bundle', () => {
    const r = build(['--openapi', '/nonexistent/openapi.json', '--asyncapi', ASYNCAPI]);
    r.cleanup();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('/nonexistent/openapi.json does not exist');
  });

  it('refuses a document of the wrong kind', () => {
    const r = build(['--openapi', OPENAPI, '--asyncapi', OPENAPI]);
    r.cleanup();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('not an AsyncAPI 3 document');
  });

  it('refuses invalid JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kallglot-docs-bad-'));
    writeFileSync(join(dir, 'bad.json'), '{ "openapi": ');
    const r = build(['--openapi', join(dir, 'bad.json'), '--asyncapi', ASYNCAPI]);
    r.cleanup();
    rmSync(dir, { recursive: true, force: true });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('is not valid JSON');
  });

  it('builds the three pages into --out from explicit documents', () => {
    const r = build(['--openapi', OPENAPI, '--asyncapi', ASYNCAPI]);
    try {
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      for (const page of ['index.html', 'rest.html', 'stream.html', 'spec/openapi.json', 'spec/asyncapi.json']) {
        expect(existsSync(join(r.out, 'dist', page)), page).toBe(true);
      }
      expect(r.stdout).toMatch(/16 operations with code samples/);
    } finally {
      r.cleanup();
    }
  }, 60_000);
});
