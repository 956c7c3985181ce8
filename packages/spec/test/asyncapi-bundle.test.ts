// The bundled AsyncAPI document (dist/asyncapi.json, built by `npm run bundle`) is self-contained, parses
// with @asyncapi/parser without errors, lists every stream message, and its payload schemas accept the
// documented messages and refuse the retired ones.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import Ajv, { type AnySchema, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '@kallglot/spec/json-limits';
import { parse as parseYaml } from 'yaml';
import { bundleAsyncApi } from '../scripts/bundle-asyncapi.mjs';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(pkgDir, '..', '..');
const doc = JSON.parse(readFileSync(join(pkgDir, 'dist/asyncapi.json'), 'utf8'));

const CLIENT_TYPES = ['audio.input', 'ping', 'session.end'];
const SERVER_TYPES = ['session.ready', 'transcript.partial', 'transcript.final', 'pong', 'session.ended', 'session.error'];
const SCHEMA_OF: Record<string, string> = {
  'audio.input': 'AudioInput',
  ping: 'Ping',
  'session.end': 'SessionEnd',
  'session.ready': 'SessionReady',
  'transcript.partial': 'TranscriptPartial',
  'transcript.final': 'TranscriptFinal',
  pong: 'Pong',
  'session.ended': 'SessionEnded',
  'session.error': 'SessionError',
};

type Message = { name: string; payload: Record<string, any>; examples: Array<{ name: string; payload: unknown }> };
const messages = Object.values(doc.components.messages) as Message[];

// Strict Ajv: unknown keywords fail, except our `x-` annotations. Both dialects, since the payloads stay in
// the subset draft-07 (AsyncAPI Schema) and 2020-12 (OpenAPI 3.1) agree on.
function makeAjv(Ctor: typeof Ajv | typeof Ajv2020) {
  const ajv = new Ctor({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv);
  for (const keyword of ['x-kallglot-source', 'x-kallglot-inferred', 'x-parser-schema-id']) ajv.addKeyword({ keyword });
  return ajv;
}
const dialects = { 'draft-07': makeAjv(Ajv), '2020-12': makeAjv(Ajv2020) };

const mulaw = (ms: number) => Buffer.alloc(8 * ms, 0xff).toString('base64');
const audioInput = (over: Record<string, unknown> = {}, audio: Record<string, unknown> = {}) => ({
  type: 'audio.input',
  sequence: 0,
  timestamp_ms: 1_774_522_800_000,
  speaker: 'customer',
  audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: mulaw(100), ...audio },
  ...over,
});

describe('bundled AsyncAPI document', () => {
  let clientMessage: ValidateFunction;
  let serverMessage: ValidateFunction;

  beforeAll(() => {
    const payloadsOf = (types: string[]) => types.map((t) => messages.find((m) => m.name === t)!.payload as AnySchema);
    clientMessage = dialects['draft-07'].compile({ oneOf: payloadsOf(CLIENT_TYPES) });
    serverMessage = dialects['draft-07'].compile({ oneOf: payloadsOf(SERVER_TYPES) });
  });

  it('is up to date with spec/asyncapi and the YAML twin matches the JSON', async () => {
    const fresh = await bundleAsyncApi(join(repoRoot, 'spec/asyncapi/asyncapi.yaml'));
    expect(fresh).toEqual(doc);
    expect(parseYaml(readFileSync(join(pkgDir, 'dist/asyncapi.yaml'), 'utf8'))).toEqual(doc);
  });

  it('is self-contained: every $ref is a local pointer that resolves', () => {
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        const ref = (node as { $ref?: unknown }).$ref;
        if (typeof ref === 'string') refs.push(ref);
        Object.values(node).forEach(walk);
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(0); // operation → channel/message references stay references
    for (const ref of refs) {
      expect(ref.startsWith('#/'), ref).toBe(true);
      const target = ref.slice(2).split('/').reduce<any>((node, key) => node?.[key], doc);
      expect(target, ref).toBeDefined();
    }
  });

  it('parses with @asyncapi/parser with no errors and no warnings', async () => {
    const { document, diagnostics } = await new Parser().parse(structuredClone(doc));
    const serious = diagnostics.filter((d) => d.severity <= DiagnosticSeverity.Warning);
    expect(serious.map((d) => `${d.code}: ${d.message} @ ${d.path.join('.')}`)).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.0.0');
    expect(new Set(document!.messages().all().map((m) => m.name()))).toEqual(new Set([...CLIENT_TYPES, ...SERVER_TYPES]));
    // Server perspective: the server receives client messages and sends server messages.
    const byAction = (action: string) =>
      new Set(document!.operations().all().filter((o) => o.action() === action).flatMap((o) => o.messages().all().map((m) => m.name())));
    expect(byAction('receive')).toEqual(new Set(CLIENT_TYPES));
    expect(byAction('send')).toEqual(new Set(SERVER_TYPES));
    const channel = document!.channels().all()[0];
    expect(channel.address()).toBe('/v1/sessions/{session_id}/connect');
    expect(channel.parameters().all().map((p) => p.id())).toEqual(['session_id']);
  });

  it('declares both servers and the token query of the WebSocket binding', () => {
    expect(doc.servers.production).toMatchObject({ host: 'api.kallglot.com', protocol: 'wss' });
    expect(doc.servers.mock).toMatchObject({ host: '127.0.0.1:4011', protocol: 'ws' });
    const query = doc.channels.sessionStream.bindings.ws.query;
    expect(query.required).toEqual(['token']);
    const token = dialects['draft-07'].compile(query);
    expect(token({ token: 'kst_live_01HXYZabcdef' })).toBe(true);
    expect(token({})).toBe(false);
    expect(token({ token: 'sk_live_secret' })).toBe(false);
  });

  it('gives every message a name, title, description, type const, example and x-kallglot-source', () => {
    expect(messages).toHaveLength(9);
    for (const m of messages as any[]) {
      expect(m.title, m.name).toBeTruthy();
      expect(m.summary ?? m.description, m.name).toBeTruthy();
      expect(['documented', 'inferred']).toContain(m['x-kallglot-source']);
      expect(m.payload.properties.type.const).toBe(m.name);
      expect(m.payload.required).toContain('type');
      expect(m.examples.length, m.name).toBeGreaterThan(0);
      // The payload is the component schema of the same name, inlined.
      expect(m.payload).toEqual(doc.components.schemas[SCHEMA_OF[m.name]]);
    }
  });

  it.each(Object.entries(dialects))('validates every message example against its payload (Ajv %s)', (_, ajv) => {
    for (const m of messages) {
      const validate = ajv.compile(m.payload);
      for (const example of m.examples) {
        expect(validate(example.payload) ? [] : validate.errors, `${m.name} / ${example.name}`).toEqual([]);
      }
    }
  });

  it('keeps client payloads strict and server payloads open to new fields', () => {
    for (const t of CLIENT_TYPES) expect(doc.components.schemas[SCHEMA_OF[t]].additionalProperties, t).toBe(false);
    for (const t of SERVER_TYPES) expect(doc.components.schemas[SCHEMA_OF[t]].additionalProperties, t).toBeUndefined();
    expect(serverMessage({ type: 'pong', session_id: 'sess_01HXYZ123456789', server_time: 'future field' })).toBe(true);
    expect(clientMessage({ type: 'ping', nonce: 1 })).toBe(false);
  });

  it('accepts the documented client messages', () => {
    for (const good of [
      audioInput(),
      audioInput({ sequence: 7, speaker: 'agent' }),
      audioInput({}, { payload: mulaw(200) }),
      audioInput({}, { payload: mulaw(4000) }), // 32 000 bytes → ~43 KiB of base64, no length limit in the schema
      { type: 'ping' },
      { type: 'session.end' },
    ]) {
      expect(clientMessage(good) ? [] : clientMessage.errors, JSON.stringify(good).slice(0, 80)).toEqual([]);
    }
  });

  it.each([
    ['old audio message', { type: 'audio', data: mulaw(20), encoding: 'pcm_16', sample_rate: 16000, channels: 1 }],
    ['old control/mute message', { type: 'control', action: 'mute' }],
    ['old end message', { type: 'end' }],
    ['audio.input in pcm_16', audioInput({}, { encoding: 'pcm_16' })],
    ['audio.input at 16 kHz', audioInput({}, { sample_rate_hz: 16000 })],
    ['audio.input with the old flat fields', audioInput({ data: mulaw(20), encoding: 'mulaw' })],
    ['audio.input with channels', audioInput({}, { channels: 1 })],
    ['audio.input without speaker', (({ speaker, ...rest }) => rest)(audioInput())],
    ['audio.input with an unknown speaker', audioInput({ speaker: 'bot' })],
    ['audio.input with a negative sequence', audioInput({ sequence: -1 })],
    ['audio.input with a fractional sequence', audioInput({ sequence: 1.5 })],
    ['audio.input with a non-base64 payload', audioInput({}, { payload: 'not base64!' })],
    ['audio.input with an empty payload', audioInput({}, { payload: '' })],
    ['message without type', { sequence: 1 }],
    ['a server message sent by the client', { type: 'pong', session_id: 'sess_01HXYZ123456789' }],
  ])('refuses %s', (_, bad) => {
    expect(clientMessage(bad)).toBe(false);
  });

  it('refuses server messages that miss required fields or use unknown codes', () => {
    expect(serverMessage({ type: 'session.error', code: 'invalid_audio_format', message: 'bad audio' })).toBe(true);
    expect(serverMessage({ type: 'session.error', code: 'teapot', message: 'x' })).toBe(false);
    expect(serverMessage({ type: 'session.ended', session_id: 'sess_1', reason: 'explicit_end' })).toBe(true);
    expect(serverMessage({ type: 'session.ended', session_id: 'sess_1' })).toBe(false);
    // The docs show only speaker, text and an optional translation: that is enough for a transcript.final.
    expect(serverMessage({ type: 'transcript.final', speaker: 'customer', text: 'hi' })).toBe(true);
    expect(serverMessage({ type: 'transcript.final', speaker: 'customer' })).toBe(false);
    expect(serverMessage({ type: 'transcript.partial', text: 'hi' })).toBe(false);
    expect(serverMessage({ type: 'pong' })).toBe(false);
  });

  it('documents the close codes exactly as CONTRIBUTING.md, plus keepalive and frame limit', () => {
    const table = readFileSync(join(repoRoot, 'CONTRIBUTING.md'), 'utf8')
      .split('\n')
      .map((line) => /^\s*\|\s*(\d{4})\s*\|\s*(\w+)\s*\|\s*(.+?)\s*\|\s*$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map(([, code, name, clientShould]) => ({ code: Number(code), name, client_should: clientShould }));
    expect(table.length).toBeGreaterThanOrEqual(11);
    const channel = doc.channels.sessionStream;
    const closeCodes = channel['x-kallglot-close-codes'] as Array<Record<string, unknown>>;
    expect(closeCodes.map(({ code, name, client_should }) => ({ code, name, client_should }))).toEqual(table);
    for (const c of closeCodes) {
      expect(['none', 'backoff', 'new_token']).toContain(c.retry);
      expect(c.source).toBe('inferred');
      expect(c.description).toBeTruthy();
    }
    const keepalive = channel['x-kallglot-keepalive'];
    expect(keepalive).toMatchObject({ source: 'inferred', client_ping_interval_ms: 15000, pong_timeout_ms: 10000 });
    expect(keepalive.server_idle_timeout_ms).toBeGreaterThan(keepalive.client_ping_interval_ms + keepalive.pong_timeout_ms);
    expect(channel['x-kallglot-max-payload-bytes']).toBe(64 * 1024);
    // The frame depth limit is the one the shared scanner (@kallglot/spec/json-limits) enforces.
    expect(channel['x-kallglot-max-json-depth']).toMatchObject({ source: 'inferred', max_depth: MAX_JSON_DEPTH });
  });

  it('inlines the shared schemas from spec/openapi unchanged', () => {
    const openapiSchemas = join(repoRoot, 'spec/openapi/components/schemas');
    for (const name of ['Speaker', 'SessionId', 'StreamToken', 'LanguageCode']) {
      expect(doc.components.schemas[name], name).toEqual(parseYaml(readFileSync(join(openapiSchemas, `${name}.yaml`), 'utf8')));
    }
    expect(doc.components.schemas.AudioInput.properties.speaker).toEqual(doc.components.schemas.Speaker);
    // The transcript messages reuse the shared turn fields by reference (allOf), not by copy.
    for (const name of ['TranscriptFinal', 'TranscriptPartial']) {
      expect(doc.components.schemas[name].allOf, name).toEqual([doc.components.schemas.TranscriptTurnFields]);
      expect(doc.components.schemas[name].allOf[0].properties.translation).toEqual(doc.components.schemas.TranscriptTranslation);
    }
  });

  describe('bundleAsyncApi refuses broken sources', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'kallglot-asyncapi-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const base = `asyncapi: 3.0.0
info: { title: t, version: 1.0.0 }
channels:
  c:
    address: /c
    messages:
      m: { $ref: './m.yaml' }
operations:
  o:
    action: receive
    channel: { $ref: '#/channels/c' }
    messages: [{ $ref: '#/channels/c/messages/MISSING' }]
`;

    it('fails on a $ref to a missing file', async () => {
      const path = write('missing-file.yaml', base);
      await expect(bundleAsyncApi(path)).rejects.toThrow(/m\.yaml/);
    });

    it('fails when @asyncapi/parser reports an error', async () => {
      write('m.yaml', 'name: m\npayload: { type: object }\n');
      const path = write('parser-error.yaml', base);
      await expect(bundleAsyncApi(path)).rejects.toThrow(/@asyncapi\/parser reports/);
    });
  });
});
