// The API's own voice: descriptions speak to integrators. Provenance ("the docs show…", "inferred", "could not
// be read") lives only in x-kallglot-* extensions, never in text that reaches the generated JSDoc or the docs
// site. Reads both bundles and the generated sources of @kallglot/client and @kallglot/stream.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asyncapiPath, openapiPath, repoRoot } from '../helpers/paths.ts';

const INTERNAL: Array<[string, RegExp]> = [
  ['"the docs"', /\bthe docs\b/i],
  ['"docs\'"', /\bdocs'/i],
  ['"inferred"', /\binferred\b/i],
  ['"not visible"', /\bnot visible\b/i],
  ['"could not be read"', /\bcould not be read\b/i],
  ['"unreadable"', /\bunreadable\b/i],
  ['"spec/README"', /spec\/README/i],
  ['"x-kallglot"', /x-kallglot/i],
  ['a file path', /(?:^|[\s(`'"])(?:\.{0,2}\/)?[\w.-]+\/[\w./{}-]*\.(?:ya?ml|json|md|mjs|cjs|js|ts)\b/i],
];
const TEXT_KEYS = new Set(['description', 'summary', 'title']);

function phrasesIn(text: string): string[] {
  return INTERNAL.filter(([, re]) => re.test(text)).map(([name]) => name);
}

/** description / summary / title strings of a document, skipping extensions and example values. */
function texts(node: unknown, path: string[] = [], out: Array<[string, string]> = []): Array<[string, string]> {
  if (Array.isArray(node)) node.forEach((v, i) => texts(v, [...path, String(i)], out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-') || key === 'examples' || key === 'example' || key === 'value' || key === 'payload') continue;
      if (TEXT_KEYS.has(key) && typeof value === 'string') out.push([[...path, key].join('/'), value]);
      texts(value, [...path, key], out);
    }
  }
  return out;
}

/** JSDoc blocks of a TypeScript source (the part generated from descriptions). */
const jsdocs = (source: string) => [...source.matchAll(/\/\*\*[\s\S]*?\*\//g)].map((m) => m[0]);

function generatedFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? generatedFiles(join(dir, e.name)) : /\.(ts|js|json)$/.test(e.name) ? [join(dir, e.name)] : []));
}

function problemsInFile(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const chunks = file.endsWith('.json')
    ? texts(JSON.parse(source)).map(([, t]) => t)
    : file.endsWith('.js')
      ? [...source.matchAll(/"(?:description|summary|title)":"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!)
      : jsdocs(source);
  return chunks.flatMap((chunk) => phrasesIn(chunk).map((p) => `${relative(repoRoot, file)}: ${p} in ${JSON.stringify(chunk.slice(0, 160))}`));
}

describe('descriptions speak to API users (no internal phrases)', () => {
  it('the phrase check itself catches every internal phrase', () => {
    const bad = [
      'The docs show only type.', "Not shown in the docs' examples.", 'The range is inferred.', 'Field names were not visible.',
      'The Agents API page could not be read.', 'See spec/README.md.', 'Marked x-kallglot-source.', 'Defined in components/schemas/Call.yaml.',
      'The tables were unreadable.',
    ];
    for (const text of bad) expect(phrasesIn(text), text).not.toEqual([]);
    const good = ['Relative API path of the audio (`/v1/recordings/{id}/audio`).', '@remarks Not confirmed by the public docs.', 'Call `https://api.kallglot.com`.'];
    for (const text of good) expect(phrasesIn(text), text).toEqual([]);
  });

  it.each([
    ['openapi.json', openapiPath],
    ['asyncapi.json', asyncapiPath],
  ])('the %s bundle has none in any description, summary or title', (_name, path) => {
    const found = texts(JSON.parse(readFileSync(path, 'utf8'))).flatMap(([where, text]) => phrasesIn(text).map((p) => `${where}: ${p}`));
    expect(found).toEqual([]);
  });

  it.each([
    ['@kallglot/client', join(repoRoot, 'packages/client/src/generated')],
    ['@kallglot/stream', join(repoRoot, 'packages/stream/src/generated')],
  ])('the generated sources of %s have none in their JSDoc', (_pkg, dir) => {
    const files = generatedFiles(dir);
    expect(files.length, `${dir} holds generated files (build first)`).toBeGreaterThan(0);
    expect(files.flatMap(problemsInFile)).toEqual([]);
  });

  it('the generated client JSDoc turns provenance into a short @remarks tag', () => {
    const types = readFileSync(join(repoRoot, 'packages/client/src/generated/openapi.ts'), 'utf8');
    expect(types).toMatch(/@remarks Not confirmed by the public docs\./);
    // An inferred schema (Call is designed here as a whole) carries it; a documented one (Stream) does not.
    const block = (name: string) => new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*${name}: \\{`).exec(types)?.[1] ?? '';
    expect(block('Call')).toMatch(/@remarks Not confirmed/);
    expect(block('Stream')).not.toMatch(/@remarks/);
  });
});
