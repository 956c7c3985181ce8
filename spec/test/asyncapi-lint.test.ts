// The real AsyncAPI document lints clean under the root ruleset, and the split layout keeps its promises:
// every component is reachable, shared schemas are $ref-ed from the OpenAPI tree (never copied), and every
// disabled rule says why.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spectral } from './helpers/spectral.ts';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const specDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const asyncDir = join(specDir, 'asyncapi');
const SHARED = ['LanguageCode', 'Speaker', 'SessionId', 'StreamToken', 'TranscriptTranslation', 'TranscriptTurnFields'];

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : [],
  );
}

/** Every $ref in a file, as [absolute target file, JSON pointer]. */
function refsOf(file: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const ref = (node as { $ref?: unknown }).$ref;
      if (typeof ref === 'string') {
        const [target, pointer = ''] = ref.split('#');
        out.push([target ? resolve(dirname(file), target) : file, pointer]);
      }
      Object.values(node).forEach(walk);
    }
  };
  walk(parse(readFileSync(file, 'utf8')));
  return out;
}

/** Resolves a JSON pointer inside a file, following $refs met on the way (as a bundler would). */
function follow(file: string, pointer: string, depth = 0): unknown {
  if (depth > 20) throw new Error(`$ref loop at ${file}#${pointer}`);
  let node: unknown = parse(readFileSync(file, 'utf8'));
  let base = file;
  for (const key of pointer.split('/').filter(Boolean).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    const ref = (node as { $ref?: unknown } | undefined)?.$ref;
    if (typeof ref === 'string') {
      const [target, inner = ''] = ref.split('#');
      base = target ? resolve(dirname(base), target) : base;
      node = follow(base, inner, depth + 1);
    }
    node = (node as Record<string, unknown> | undefined)?.[key];
  }
  return node;
}

const root = join(asyncDir, 'asyncapi.yaml');
const rootDoc = parse(readFileSync(root, 'utf8'));
const files = yamlFiles(asyncDir);

/** Files reached from `from` through $refs, following shared files outside spec/asyncapi too (as the bundler does). */
function reachedFrom(from: string[]): Set<string> {
  const reached = new Set<string>();
  const queue = from.flatMap((f) => refsOf(f).map(([t]) => t));
  while (queue.length) {
    const target = queue.pop()!;
    if (reached.has(target)) continue;
    reached.add(target);
    if (!target.startsWith(asyncDir) && existsSync(target)) queue.push(...refsOf(target).map(([t]) => t));
  }
  return reached;
}

describe('AsyncAPI document lint', () => {
  it('has zero Spectral problems of any severity under ../.spectral.yaml', () => {
    const { results, status, stderr } = spectral(['asyncapi/asyncapi.yaml'], '../.spectral.yaml');
    expect(results.map((r) => `${r.code}: ${r.message} @ ${r.path.join('.')}`)).toEqual([]);
    expect(status, stderr).toBe(0);
  });

  it('gives a reason beside every disabled rule', () => {
    const lines = readFileSync(join(specDir, 'rules/asyncapi.spectral.yaml'), 'utf8').split('\n');
    const disabled = lines.flatMap((line, i) => (/^\s+[\w-]+:\s*(off|false)\s*$/.test(line) ? [i] : []));
    expect(disabled.length).toBeGreaterThan(0);
    for (const i of disabled) expect(lines[i - 1], lines[i]).toMatch(/^\s*#\s*(Off:|\S.*)/);
  });

  it('resolves every $ref to an existing file and pointer', () => {
    for (const file of files) {
      for (const [target, pointer] of refsOf(file)) {
        const label = `${relative(specDir, file)} → ${relative(specDir, target)}#${pointer}`;
        expect(existsSync(target), label).toBe(true);
        expect(follow(target, pointer), label).toBeDefined();
      }
    }
  });

  // Stands in for the disabled asyncapi-unused-components-schema rule, which cannot follow file $refs.
  it('reaches every component schema and message from some other file', () => {
    const referenced = reachedFrom(files.filter((f) => f !== root));
    const unused: string[] = [];
    for (const kind of ['schemas', 'messages'] as const) {
      for (const [name, value] of Object.entries(rootDoc.components[kind] as Record<string, { $ref: string }>)) {
        if (!referenced.has(resolve(asyncDir, value.$ref))) unused.push(`${kind}/${name}`);
      }
    }
    expect(unused).toEqual([]);
  });

  it('$refs the shared schemas from spec/openapi instead of copying them', () => {
    const openapiSchemas = join(specDir, 'openapi/components/schemas');
    for (const name of SHARED) {
      expect(resolve(asyncDir, rootDoc.components.schemas[name].$ref)).toBe(join(openapiSchemas, `${name}.yaml`));
    }
    const localTitles = files.map((f) => parse(readFileSync(f, 'utf8'))?.title);
    for (const name of SHARED) expect(localTitles).not.toContain(name);
    const targets = reachedFrom(files);
    for (const name of SHARED) {
      expect(targets.has(join(openapiSchemas, `${name}.yaml`)), name).toBe(true);
    }
  });

  it('states the server perspective and pins AsyncAPI 3.0.0', () => {
    expect(rootDoc.asyncapi).toBe('3.0.0');
    expect(rootDoc.info.description).toMatch(/describes the Kallglot server/);
    const ops = Object.values(rootDoc.operations as Record<string, { action: string; messages: Array<{ $ref: string }> }>);
    const byAction = (action: string) =>
      ops.filter((o) => o.action === action).flatMap((o) => o.messages.map((m) => m.$ref.split('/').pop()));
    expect(new Set(byAction('receive'))).toEqual(new Set(['audioInput', 'ping', 'sessionEnd']));
    expect(new Set(byAction('send'))).toEqual(
      new Set(['sessionReady', 'transcriptPartial', 'transcriptFinal', 'pong', 'sessionEnded', 'sessionError']),
    );
  });
});
