// The real OpenAPI document lints to zero under both linters (Spectral with spectral:oas + OWASP + our rules,
// Redocly recommended), also once bundled into one file, and the split layout keeps its promises: every file
// is reachable, every shared piece says where it comes from, and every disabled rule says why.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle, createConfig } from '@redocly/openapi-core';
import { spectral as runSpectral, type SpectralResult } from './helpers/spectral.ts';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const specDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(specDir, '..');
const oasDir = join(specDir, 'openapi');
const rootFile = join(oasDir, 'openapi.yaml');
const require = createRequire(import.meta.url);
const redoclyBin = join(dirname(require.resolve('@redocly/cli/package.json')), 'bin/cli.js');

const spectral = (file: string, ruleset: string) => runSpectral([file], ruleset).results;
const show = (results: SpectralResult[]) =>
  results.map((r) => `${r.code}: ${r.message} @ ${relative(specDir, r.source)} ${r.path.join('.')}`);

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : [],
  );
}

/** Every external $ref target file of a YAML file (absolute paths). */
function refTargets(file: string): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const ref = (node as { $ref?: unknown }).$ref;
      if (typeof ref === 'string' && !ref.startsWith('#')) out.push(resolve(dirname(file), ref.split('#')[0]));
      Object.values(node).forEach(walk);
    }
  };
  walk(parse(readFileSync(file, 'utf8')));
  return out;
}

describe('OpenAPI document lint', () => {
  it('has zero Spectral problems of any severity under ../.spectral.yaml', () => {
    expect(show(spectral('openapi/openapi.yaml', '../.spectral.yaml'))).toEqual([]);
  });

  it('has zero Redocly problems (recommended + no-unused-components: error)', () => {
    const run = spawnSync(process.execPath, [redoclyBin, 'lint', 'openapi/openapi.yaml', '--config', '../redocly.yaml', '--format=json'], {
      cwd: specDir,
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off' },
    });
    const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));
    expect(report.problems.map((p: { ruleId: string; message: string }) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(run.status, run.stderr).toBe(0);
  });

  it('has zero Spectral problems on the bundled single-file document too (oas3-schema fully on)', async () => {
    const config = await createConfig({ extends: ['minimal'] });
    const { bundle: result, problems } = await bundle({ ref: rootFile, config, dereference: false });
    expect(problems.filter((p) => p.severity === 'error').map((p) => p.message)).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'kallglot-bundle-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(result.parsed));
      expect(show(spectral(file, join(repoRoot, '.spectral.yaml')))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives a reason beside every disabled rule', () => {
    for (const file of [join(repoRoot, '.spectral.yaml'), join(repoRoot, 'redocly.yaml'), join(specDir, 'rules/openapi.spectral.yaml')]) {
      const lines = readFileSync(file, 'utf8').split('\n');
      const disabled = lines.flatMap((line, i) => (/^\s+[\w:.-]+:\s*(off|false)\s*$/.test(line) ? [i] : []));
      for (const i of disabled) {
        // The comment block right above the rule explains it.
        let j = i - 1;
        while (j >= 0 && /^\s*#/.test(lines[j])) j--;
        expect(i - 1 - j, `${relative(repoRoot, file)}:${i + 1} ${lines[i].trim()}`).toBeGreaterThan(0);
      }
    }
  });
});

describe('OpenAPI split layout', () => {
  const files = yamlFiles(oasDir);
  const root = parse(readFileSync(rootFile, 'utf8'));

  it('keeps one file per path, named after the path', () => {
    for (const [path, item] of Object.entries<{ $ref: string }>(root.paths)) {
      const expected = `paths/${path.slice(1).replace(/\//g, '_')}.yaml`;
      expect(item.$ref, path).toBe(expected);
    }
    expect(files.filter((f) => f.includes(`${join(oasDir, 'paths')}/`)).length).toBe(Object.keys(root.paths).length);
  });

  it('reaches every file from the root document', () => {
    const targets = new Set(files.flatMap(refTargets));
    for (const f of files) expect(existsSync(f)).toBe(true);
    const unreachable = files.filter((f) => f !== rootFile && !targets.has(f)).map((f) => relative(oasDir, f));
    expect(unreachable).toEqual([]);
    for (const t of targets) expect(existsSync(t), relative(oasDir, t)).toBe(true);
  });

  it('marks every component file and operation x-kallglot-source documented | inferred', () => {
    const kinds = ['schemas', 'parameters', 'responses', 'headers', 'securitySchemes'];
    for (const kind of kinds) {
      const dir = join(oasDir, 'components', kind);
      const names = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
      expect(names.length, kind).toBeGreaterThan(0);
      for (const name of names) expect(['documented', 'inferred'], `${kind}/${name}`).toContain(parse(readFileSync(join(dir, name), 'utf8'))['x-kallglot-source']);
    }
    for (const dir of ['paths', 'webhooks']) {
      for (const name of readdirSync(join(oasDir, dir))) {
        const item = parse(readFileSync(join(oasDir, dir, name), 'utf8'));
        for (const [method, op] of Object.entries<Record<string, unknown>>(item)) {
          if (method === 'parameters') continue;
          expect(['documented', 'inferred'], `${dir}/${name} ${method}`).toContain(op['x-kallglot-source']);
        }
      }
    }
  });

  it('keeps the five schemas shared with AsyncAPI plain JSON Schema', () => {
    for (const name of ['LanguageCode', 'Speaker', 'SessionId', 'StreamToken', 'TranscriptTranslation']) {
      const text = readFileSync(join(oasDir, 'components/schemas', `${name}.yaml`), 'utf8');
      const schema = parse(text);
      expect(schema.title, name).toBe(name);
      expect(Array.isArray(schema.examples), name).toBe(true);
      expect(text, name).not.toMatch(/^\s*(nullable|example):/m);
      // The AsyncAPI side compiles these with strict Ajv that knows only this one extension keyword.
      expect(text, name).not.toMatch(/^\s*x-(?!kallglot-source:)/m);
    }
  });
});
