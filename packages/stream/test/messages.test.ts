import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import schemaFile from '../src/generated/schemas.json' with { type: 'json' };
import * as validators from '../src/generated/validators.js';
import { CLOSE_CODES, KEEPALIVE_MS, CLIENT_MESSAGE_TYPES, SERVER_MESSAGE_TYPES, type ClientMessage, type ServerMessage } from '../src/generated/messages.js';
import { arbitraryFor } from './helpers/arbitraries.js';

type Entry = { name: string; type: string; schema: Record<string, any> };
const schemas = schemaFile as unknown as { client: Entry[]; server: Entry[] };
const pkg = join(import.meta.dirname, '..');
const generatedTs = readFileSync(join(pkg, 'src/generated/messages.ts'), 'utf8');
const bundled = JSON.parse(readFileSync(join(pkg, '../spec/dist/asyncapi.json'), 'utf8'));
const v = validators as unknown as Record<string, ((d: unknown) => boolean) & { errors?: unknown[] | null }>;

describe('generated types', () => {
  it('has one interface per message and the two unions, keeping wire names', () => {
    for (const m of [...schemas.client, ...schemas.server]) expect(generatedTs).toMatch(new RegExp(`export interface ${m.name} \\{`));
    expect(generatedTs).toMatch(/export type ClientMessage = AudioInput \| Ping \| SessionEnd;/);
    expect(generatedTs).toMatch(/export type ServerMessage = SessionReady \| TranscriptPartial \| TranscriptFinal \| Pong \| SessionEnded \| SessionError;/);
    expect(generatedTs).toContain('  type: "audio.input";');
    expect(generatedTs).toContain('  sample_rate_hz: 8000;');
    expect(generatedTs).toContain('  timestamp_ms: number;');
    expect(generatedTs).not.toMatch(/reservedType|sampleRateHz|timestampMs/);
  });

  it('lists exactly the messages of the AsyncAPI document', () => {
    const names = Object.values(bundled.components?.messages ?? {}).map((m: any) => m.name ?? m.payload?.properties?.type?.const);
    expect([...CLIENT_MESSAGE_TYPES, ...SERVER_MESSAGE_TYPES].sort()).toEqual(
      [...schemas.client, ...schemas.server].map((m) => m.type).sort(),
    );
    expect(CLIENT_MESSAGE_TYPES).toEqual(['audio.input', 'ping', 'session.end']);
    expect([...SERVER_MESSAGE_TYPES].sort()).toEqual(['pong', 'session.ended', 'session.error', 'session.ready', 'transcript.final', 'transcript.partial']);
    expect(names.length === 0 || names.length === 9).toBe(true);
  });

  it('carries the close-code table and keepalive from the spec extensions', () => {
    expect(Object.keys(CLOSE_CODES).map(Number).sort()).toEqual([1000, 1001, 1009, 1011, 1013, 4001, 4002, 4004, 4008, 4009, 4029]);
    expect(CLOSE_CODES[4001].name).toBe('token_invalid');
    expect(CLOSE_CODES[4001].action).toBe('new_token');
    expect(CLOSE_CODES[4002].action).toBe('new_token');
    expect(CLOSE_CODES[1011].action).toBe('reconnect');
    expect(CLOSE_CODES[4009].action).toBe('stop');
    expect(CLOSE_CODES[1000].action).toBe('stop');
    expect(KEEPALIVE_MS.intervalMs).toBeGreaterThan(0);
    expect(KEEPALIVE_MS.timeoutMs).toBeGreaterThan(0);
  });

  it('are type-correct: a discriminated union narrows on `type`', () => {
    const m = { type: 'pong', session_id: 'sess_1' } as ServerMessage;
    if (m.type === 'pong') expect(m.session_id).toBe('sess_1');
    const c: ClientMessage = { type: 'ping' };
    expect(c.type).toBe('ping');
  });

  it('is what the generator produces from the current bundle (never edited by hand)', () => {
    const out = mkdtempSync(join(tmpdir(), 'kallglot-gen-'));
    try {
      execFileSync(process.execPath, [join(pkg, 'scripts/generate.mjs')], { env: { ...process.env, KALLGLOT_GENERATE_OUT: out }, stdio: 'pipe' });
      for (const f of ['messages.ts', 'validators.js', 'validators.d.ts', 'schemas.json', 'json-limits.js', 'json-limits.d.ts']) {
        expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(pkg, 'src/generated', f), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000); // one generator run; slow on a loaded machine
});

describe('validators', () => {
  for (const m of [...schemas.client, ...schemas.server]) {
    const side = schemas.client.includes(m) ? 'ClientMessage' : 'ServerMessage';
    it(`every generated valid ${m.type} passes validate${m.name} and validate${side}`, () => {
      fc.assert(
        fc.property(arbitraryFor(m.schema), (msg) => {
          const ok = v[`validate${m.name}`]!(msg);
          if (!ok) throw new Error(JSON.stringify(v[`validate${m.name}`]!.errors) + JSON.stringify(msg));
          expect(v[`validate${side}`]!(msg)).toBe(true);
        }),
        { numRuns: 150 },
      );
    });

    it(`a ${m.type} missing a required field, or with the wrong type, fails`, () => {
      const required: string[] = (m.schema as any).required ?? [];
      fc.assert(
        fc.property(arbitraryFor(m.schema), fc.nat(), (msg, pick) => {
          const obj = msg as Record<string, unknown>;
          if (required.length) {
            const drop = { ...obj };
            delete drop[required[pick % required.length]!];
            expect(v[`validate${m.name}`]!(drop)).toBe(false);
          }
          expect(v[`validate${side}`]!({ ...obj, type: `${m.type}.v0` })).toBe(false);
        }),
        { numRuns: 50 },
      );
    });
  }

  it('refuses the documented old messages', () => {
    const old = [
      { type: 'audio', data: 'AAAA', encoding: 'pcm_16', sample_rate: 16000, channels: 1 },
      { type: 'audio', data: 'AAAA', encoding: 'mulaw', sample_rate: 8000, channels: 1 },
      { type: 'control', action: 'mute' },
      { type: 'mute' },
      { type: 'end' },
      { type: 'audio.input', sequence: 0, timestamp_ms: 0, speaker: 'customer', audio: { encoding: 'pcm_16', sample_rate_hz: 8000, payload: 'AAAA' } },
      { type: 'audio.input', sequence: 0, timestamp_ms: 0, speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 16000, payload: 'AAAA' } },
      { type: 'audio.input', sequence: 0, timestamp_ms: 0, speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: 'AAAA', channels: 2 } },
    ];
    for (const msg of old) expect(validators.validateClientMessage(msg), JSON.stringify(msg)).toBe(false);
    expect(validators.validateAudioInput(old[5])).toBe(false);
    expect(validators.validateClientMessage({ type: 'audio.input', sequence: 0, timestamp_ms: 0, speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: 'AAAA' } })).toBe(true);
  });

  it('uses the discriminator: an unknown type reports the `type` property, not every branch', () => {
    expect(validators.validateServerMessage({ type: 'transcript' })).toBe(false);
    const errors = validators.validateServerMessage.errors ?? [];
    expect(errors).toHaveLength(1);
    expect(errors[0]!.keyword).toBe('discriminator');
  });

  it('compiles no Unicode-counted maxLength and no alphabet regex over the base64 payload', () => {
    const frame = (payload: string) => ({ type: 'audio.input', sequence: 1, timestamp_ms: 1, speaker: 'agent', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload } });
    expect(validators.validateAudioInput(frame('!!!!'))).toBe(true); // left to the decoder (base64ToBytes throws)
    // The alphabet is still in the contract (schemas.json keeps it); the decoders enforce it.
    const audio = schemas.client.find((m) => m.type === 'audio.input')!.schema as any;
    expect(audio.properties.audio.properties.payload.maxLength).toBeUndefined();
    // A 64 KiB payload validates (no length cap on the hot path).
    const big = Buffer.alloc(48 * 1024, 7).toString('base64');
    expect(validators.validateAudioInput({ type: 'audio.input', sequence: 1, timestamp_ms: 1, speaker: 'agent', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: big } })).toBe(true);
  });

  it('the bundled validators import nothing (browser-safe, no Ajv at runtime)', () => {
    const js = readFileSync(join(pkg, 'src/generated/validators.js'), 'utf8');
    expect(js).not.toMatch(/^\s*import\s|\bfrom\s+["']|\bimport\(/m);
    expect(js).not.toMatch(/[^_."'\w]require\(/); // only esbuild's internal __require and Ajv's code strings
  });
});

describe('generated JSDoc', () => {
  const comments = [...generatedTs.matchAll(/\/\*\*[\s\S]*?\*\//g)].map((m) => m[0]).join('\n');
  const dts = readFileSync(join(pkg, 'src/generated/validators.d.ts'), 'utf8');
  it('speaks to API users: no internal phrases or file paths', () => {
    for (const text of [comments, dts]) {
      expect(text).not.toMatch(/the docs\b/i);
      expect(text).not.toMatch(/inferred/i);
      expect(text).not.toMatch(/not visible|could not be read|spec\/README/i);
      expect(text).not.toMatch(/[\w-]+\/[\w./-]+\.(ya?ml|json|md)\b/);
    }
    // The close-code table and keepalive values reach users too.
    expect(JSON.stringify(CLOSE_CODES)).not.toMatch(/the docs\b|inferred/i);
  });

  it('tags every field the public docs do not confirm with a short @remarks', () => {
    const block = generatedTs.slice(generatedTs.indexOf('export interface TranscriptFinal'));
    const seq = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*sequence\?: number;/.exec(block);
    expect(seq?.[1]).toContain('@remarks Not confirmed by the public docs');
    const text = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*text: string;/.exec(block);
    expect(text?.[1]).not.toContain('@remarks');
  });
});
