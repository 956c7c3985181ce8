// The generator on a spec where transcript.partial/final share a turn schema through allOf (the shape the spec is
// moving to): message types stay interfaces, the discriminator is found, and the documented view still frees
// the marked turn fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const pkg = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'kallglot-allof-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function toAllOf(node: any, seen = new Set<any>()): void {
  if (!node || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  for (const v of Object.values(node)) toAllOf(v, seen);
  const t = node.properties?.type?.const;
  if ((t === 'transcript.final' || t === 'transcript.partial') && node.properties && !node.allOf) {
    // Like the spec: the shared turn carries the definitions (unmarked), the message adds `type`, its own
    // `required` and provenance-only stubs for the fields the docs do not show.
    const { type, ...turnProps } = node.properties;
    const { 'x-kallglot-source': _mark, ...sequence } = turnProps.sequence;
    const turn = { title: 'TranscriptTurn', type: 'object', properties: { ...turnProps, sequence }, 'x-kallglot-source': 'documented' };
    node.properties = { type, sequence: { 'x-kallglot-source': 'inferred' } };
    node.allOf = [turn];
  }
}

describe('generator with allOf message payloads', () => {
  const doc = JSON.parse(readFileSync(join(pkg, '../spec/dist/asyncapi.json'), 'utf8'));
  toAllOf(doc);
  const input = join(dir, 'asyncapi.json');
  writeFileSync(input, JSON.stringify(doc));
  const out = join(dir, 'generated');
  let ts = '';
  beforeAll(() => {
    execFileSync(process.execPath, [join(pkg, 'scripts/generate.mjs')], { env: { ...process.env, KALLGLOT_ASYNCAPI: input, KALLGLOT_GENERATE_OUT: out }, stdio: 'pipe' });
    ts = readFileSync(join(out, 'messages.ts'), 'utf8');
  }, 180_000); // one generator run; slow on a loaded machine

  it('still emits one interface per message, with the turn fields and optional unconfirmed ones', () => {
    expect(JSON.stringify(doc)).toContain('"allOf"');
    expect(ts).toMatch(/export interface TranscriptFinal \{/);
    expect(ts).toMatch(/export interface TranscriptPartial \{/);
    const block = ts.slice(ts.indexOf('export interface TranscriptFinal'), ts.indexOf('}\n', ts.indexOf('export interface TranscriptFinal')));
    expect(block).toContain('type: "transcript.final";');
    expect(block).toContain('text: string;');
    expect(block).toContain('sequence?: number;');
    // The message's type first, then the turn's fields in their order.
    expect(block.indexOf('type: "transcript.final"')).toBeLessThan(block.indexOf('sequence?'));
    expect(block.indexOf('sequence?')).toBeLessThan(block.indexOf('text: string'));
  });

  it('validators: the documented one accepts the docs frame and frees what the full one checks in unconfirmed parts', async () => {
    const v = await import(pathToFileURL(join(out, 'validators.js')).href);
    const docsFrame = { type: 'transcript.final', session_id: 'sess_1', speaker: 'customer', text: 'Hallo', translation: { language: 'en', text: 'Hello' } };
    const unconfirmed = { ...docsFrame, speaker: 'supervisor' }; // the closed speaker list is not confirmed
    expect(v.serverValidators['transcript.final'](unconfirmed)).toBe(false);
    expect(v.documentedServerValidators['transcript.final'](unconfirmed)).toBe(true);
    expect(v.documentedServerValidators['transcript.final'](docsFrame)).toBe(true);
    // The stub's mark reaches the merged property: sequence is free in the documented view.
    expect(v.documentedServerValidators['transcript.final']({ ...docsFrame, sequence: 'first' })).toBe(true);
    expect(v.serverValidators['transcript.final']({ ...docsFrame, sequence: 'first' })).toBe(false);
    expect(v.documentedServerValidators['transcript.final']({ ...docsFrame, text: 5 })).toBe(false);
    expect(v.validateServerMessage({ type: 'transcript.final', sequence: 1, speaker: 'agent', language: 'en', text: 'x', timestamp: '2026-01-01T00:00:00Z' })).toBe(true);
  });
});
