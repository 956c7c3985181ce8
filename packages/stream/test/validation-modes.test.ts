// Validation modes: by default a server frame whose documented fields are valid is delivered, and a deviation
// in a part the public docs do not confirm is a `warning`; 'strict' turns that into an `error`; false skips it.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import {
  documentedServerValidators,
  serverValidators,
  type StreamClient,
  type StreamError,
  type StreamWarning,
  type TranscriptFinal,
} from '../src/node.js';
import { behaveNormally } from './helpers/scripted-server.js';
import { collect, until, useStreamFixture } from './helpers/stream-fixture.js';

const require = createRequire(import.meta.url);
const { documentedView } = require('../templates/kallglot-stream/lib/build.cjs') as { documentedView: (s: unknown, o?: unknown) => any };

const { server, connect } = useStreamFixture({ token: 'kst_test_modes' });
const next = <T>(s: StreamClient, event: Parameters<StreamClient['on']>[0]) => until<T>(s, event);

// The quickstart's frame: no sequence, language or timestamp.
const DOCS_FINAL = { type: 'transcript.final', session_id: 'sess_01HXYZ123456789', speaker: 'customer', text: 'Hallo', translation: { language: 'en', text: 'Hello' } };
const MARKER = { type: 'pong', session_id: 'sess_01HXYZ123456789' };
// Differs from the full schema only where the public docs are silent (they show `agent` and `customer`, not
// that the list is closed), whatever the spec's `required` lists.
const UNCONFIRMED = { ...DOCS_FINAL, speaker: 'supervisor' };

describe('default validation', () => {
  it('delivers the docs-shaped transcript.final to a typed listener', async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      c.send(DOCS_FINAL);
    });
    const s = connect({ url: srv.url });
    const errors = collect<StreamError>(s, 'error');
    const warnings = collect<StreamWarning>(s, 'warning');
    const viaMessage = next(s, 'message');
    const final = await next<TranscriptFinal>(s, 'transcript.final');
    expect(final).toEqual(DOCS_FINAL);
    expect(final.text).toBe('Hallo');
    expect(final.translation?.text).toBe('Hello');
    expect(await viaMessage).toMatchObject({ type: 'session.ready' });
    expect(errors).toEqual([]);
    // Whether the spec's full schema already accepts it or not, at most a warning, never the payload.
    expect(warnings.every((w) => w.kind === 'schema' && w.type === 'transcript.final')).toBe(true);
    expect(JSON.stringify(warnings)).not.toContain('Hallo');
  });

  it('delivers a frame that differs only in an unconfirmed part, with a typed warning carrying the schema errors', async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      c.send(UNCONFIRMED);
    });
    const s = connect({ url: srv.url });
    const errors = collect<StreamError>(s, 'error');
    const warnings = collect<StreamWarning>(s, 'warning');
    const finals: TranscriptFinal[] = [];
    s.on('transcript.final', (m) => finals.push(m));
    const viaMessage = next(s, 'message');
    const final = await next<TranscriptFinal>(s, 'transcript.final');
    expect(final).toEqual(UNCONFIRMED);
    expect(finals).toEqual([UNCONFIRMED]);
    expect(await viaMessage).toMatchObject({ type: 'session.ready' });
    expect(errors).toEqual([]);
    expect(warnings).toHaveLength(1);
    const w = warnings[0]!;
    expect(w.kind).toBe('schema');
    if (w.kind !== 'schema') throw new Error('narrowing');
    expect(w.type).toBe('transcript.final');
    expect(w.errors.length).toBeGreaterThan(0);
    // The first schema error (today the missing sequence; once the spec makes it optional, the speaker value).
    expect(['required', 'enum']).toContain(w.errors[0]!.keyword);
    expect(Object.keys(w.errors[0]!).sort()).toEqual(expect.arrayContaining(['instancePath', 'keyword', 'params', 'schemaPath']));
    expect(w.message).toMatch(/transcript\.final/);
    // The warning names the problem, never carries the payload.
    expect(JSON.stringify(w)).not.toContain('Hallo');
  });

  it('delivers a docs-shaped session.ready (only `type`) and resolves ready', async () => {
    const srv = await server((c) => c.send({ type: 'session.ready' }));
    const s = connect({ url: srv.url });
    const warnings = collect<StreamWarning>(s, 'warning');
    expect(await s.ready).toEqual({ type: 'session.ready' });
    expect(warnings.every((w) => w.kind === 'schema')).toBe(true);
  });

  it('refuses a frame whose documented fields are wrong, with an error event', async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      c.send({ type: 'transcript.final', speaker: 'customer', text: 42 });
      c.send(MARKER);
    });
    const s = connect({ url: srv.url });
    const errors = collect<StreamError>(s, 'error');
    const finals = collect(s, 'transcript.final');
    await next(s, 'pong');
    expect(finals).toEqual([]);
    expect(errors.map((e) => e.kind)).toEqual(['validation']);
    expect(errors[0]!.details).toMatchObject({ type: 'transcript.final' });
  });

  it('a fully valid frame raises no warning (the full validator runs first)', async () => {
    const full = { type: 'transcript.final', sequence: 1, speaker: 'customer', language: 'de', text: 'Hallo', timestamp: '2026-03-26T11:00:15Z' };
    const srv = await server((c) => {
      behaveNormally(c);
      c.send(full);
    });
    const s = connect({ url: srv.url });
    const warnings = collect<StreamWarning>(s, 'warning');
    expect(await next(s, 'transcript.final')).toEqual(full);
    expect(warnings).toEqual([]);
  });
});

describe("validate: 'strict' and false", () => {
  it("'strict' reports a frame that differs in an unconfirmed part as an error and does not deliver it", async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      c.send(UNCONFIRMED);
      c.send(MARKER);
    });
    const s = connect({ url: srv.url, validate: 'strict' });
    const errors = collect<StreamError>(s, 'error');
    const finals = collect(s, 'transcript.final');
    await next(s, 'pong');
    expect(finals).toEqual([]);
    expect(errors.map((e) => e.kind)).toEqual(['validation']);
  });

  it('false delivers without validating and without warnings', async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      c.send({ type: 'transcript.final', text: 42 });
    });
    const s = connect({ url: srv.url, validate: false });
    const warnings = collect(s, 'warning');
    const errors = collect(s, 'error');
    expect(await next(s, 'transcript.final')).toEqual({ type: 'transcript.final', text: 42 });
    expect(warnings).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('documented validators (generated)', () => {
  it('exist for every server message and accept what the full validator refuses in unconfirmed parts', () => {
    expect(Object.keys(documentedServerValidators).sort()).toEqual(Object.keys(serverValidators).sort());
    expect(serverValidators['transcript.final'](UNCONFIRMED)).toBe(false);
    expect(documentedServerValidators['transcript.final'](UNCONFIRMED)).toBe(true);
    expect(documentedServerValidators['transcript.final'](DOCS_FINAL)).toBe(true);
    expect(documentedServerValidators['transcript.final']({ ...DOCS_FINAL, text: 1 })).toBe(false);
  });

  it('documentedView frees marked properties (also through allOf) and keeps the rest', () => {
    const turn = {
      type: 'object',
      required: ['sequence', 'speaker', 'text'],
      properties: {
        sequence: { type: 'integer', minimum: 1, 'x-kallglot-source': 'inferred' },
        speaker: { type: 'string', enum: ['agent', 'customer'], 'x-kallglot-inferred': 'the closed enum' },
        text: { type: 'string' },
        nested: { type: 'object', required: ['a', 'b'], properties: { a: { type: 'string', 'x-kallglot-source': 'inferred' }, b: { type: 'string' } } },
      },
    };
    const schema = { allOf: [turn, { type: 'object', required: ['type', 'sequence'], properties: { type: { const: 't' } } }] };
    const view = documentedView(schema);
    expect(view.allOf[0].required).toEqual(['text']);
    expect(view.allOf[1].required).toEqual(['type']);
    expect(view.allOf[0].properties.sequence).toEqual({});
    expect(view.allOf[0].properties.speaker).toEqual({});
    expect(view.allOf[0].properties.text).toEqual({ type: 'string' });
    expect(view.allOf[0].properties.nested.required).toEqual(['b']);
    // The input is not modified.
    expect(turn.required).toEqual(['sequence', 'speaker', 'text']);
  });
});
