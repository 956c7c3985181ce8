// A cassette seeds the sandbox: its transcript turns and timing as a scenario that scenario.schema.json accepts;
// replayed webhooks carry the recorded body, signed anew with the replay's secret.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyWebhook } from '@kallglot/client';
import { createAjv } from '@kallglot/spec/ajv';
import { describe, expect, it } from 'vitest';
import { loadCassette, resignWebhook, scenarioFromCassette } from '../src/replay/index.js';
import { BUILTIN_SCENARIOS_DIR, resolveScenario } from '../src/scenario.js';
import { callHar, har, httpEntry, SESSION } from './helpers/cassette.js';

const validateScenario = createAjv().compile(JSON.parse(readFileSync(join(BUILTIN_SCENARIOS_DIR, 'scenario.schema.json'), 'utf8')));

describe('scenarioFromCassette', () => {
  it('turns the stream finals into utterances with the audio each one needed, valid against scenario.schema.json', () => {
    const scenario = scenarioFromCassette(loadCassette(callHar()), { name: 'Support Call 1' });
    expect(validateScenario(scenario), JSON.stringify(validateScenario.errors)).toBe(true);
    expect(scenario).toEqual({
      name: 'support-call-1',
      description: 'Seeded from a recorded call: 2 turns.',
      loop: false,
      default_languages: { source_language: 'en', target_language: 'es' },
      utterances: [
        { speaker: 'customer', language: 'en', text: 'Where is my package?', translations: { es: '¿Dónde está mi paquete?' }, audio_ms: 300, partials: 1 },
        { speaker: 'agent', language: 'en', text: 'It arrives tomorrow.', translations: { es: 'Llega mañana.' }, audio_ms: 200, partials: 0 },
      ],
    });
    // The sandbox takes it as a scenario object.
    expect(resolveScenario(scenario, new Map()).utterances).toHaveLength(2);
  });

  it('reads hashed audio lengths the same way', () => {
    const scenario = scenarioFromCassette(loadCassette(callHar('hash')));
    expect(scenario.utterances.map((u) => u.audio_ms)).toEqual([300, 200]);
    expect(validateScenario(scenario)).toBe(true);
  });

  it('falls back on the recorded transcript answer, timed by the turn timestamps', () => {
    const transcript = JSON.stringify({
      id: `trn_${SESSION}`, object: 'transcript', session_id: SESSION, status: 'completed',
      turns: [
        { sequence: 1, speaker: 'agent', language: 'de', text: 'Guten Tag.', timestamp: '2026-03-26T11:00:00Z' },
        { sequence: 2, speaker: 'customer', language: 'de', text: 'Hallo.', translation: { language: 'en', text: 'Hello.' }, timestamp: '2026-03-26T11:00:02.5Z' },
        { sequence: 3, speaker: 'agent', language: 'de', text: '', timestamp: '2026-03-26T11:00:04Z' },
      ],
    });
    const c = loadCassette(har([httpEntry(Date.parse('2026-03-26T11:00:00Z'), 'GET', `http://h/v1/sessions/${SESSION}/transcript`, undefined, 200, transcript)]));
    const scenario = scenarioFromCassette(c);
    expect(validateScenario(scenario)).toBe(true);
    expect(scenario.name).toBe('cassette');
    expect(scenario.utterances).toEqual([
      { speaker: 'agent', language: 'de', text: 'Guten Tag.', audio_ms: 2500, partials: 2 },
      { speaker: 'customer', language: 'de', text: 'Hallo.', translations: { en: 'Hello.' }, audio_ms: 1500, partials: 2 },
    ]);
  });

  it('says what is missing when the cassette holds no turns', () => {
    const c = loadCassette(har([httpEntry(0, 'GET', 'http://h/v1/agents', undefined, 200, '{"object":"list","data":[]}')]));
    expect(() => scenarioFromCassette(c)).toThrow(/no transcript turns: no transcript.final frame and no GET …\/transcript answer/);
  });
});

describe('resignWebhook', () => {
  it('sends the recorded body signed with the replay secret; the recorded headers stay', async () => {
    const c = loadCassette(callHar());
    const delivery = await resignWebhook(c.webhooks[0]!, { secret: 'whsec_replay', timestamp: 1_800_000_000 });
    expect(new TextDecoder().decode(delivery.body)).toBe(new TextDecoder().decode(c.webhooks[0]!.body));
    expect(delivery.headers['Kallglot-Webhook-Id']).toBe('wh_del_1');
    expect(delivery.headers['Kallglot-Signature']).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    const event = await verifyWebhook({ payload: delivery.body, header: delivery.headers['Kallglot-Signature'], secret: 'whsec_replay', now: 1_800_000_000 });
    expect(event).toMatchObject({ id: 'evt_1', type: 'session.ended' });
    await expect(verifyWebhook({ payload: delivery.body, header: delivery.headers['Kallglot-Signature'], secret: 'whsec_other', now: 1_800_000_000 })).rejects.toThrow(/no v1 signature matches/);
  });

  it('moves stream.url in a delivery body too, and signs the moved bytes', async () => {
    const body = JSON.stringify({ id: 'evt_2', type: 'session.created', data: { id: SESSION, stream: { url: `wss://api.kallglot.com/v1/sessions/${SESSION}/connect`, token: 'kst_REDACTED_1' } } });
    const c = loadCassette(har([httpEntry(0, 'POST', 'http://hooks/x', body, 200, '', [], 'webhook')]));
    const d = await resignWebhook(c.webhooks[0]!, { secret: 's3cret', timestamp: 100, streamUrl: 'ws://127.0.0.1:7001' });
    expect(new TextDecoder().decode(d.body)).toBe(body.replace('wss://api.kallglot.com', 'ws://127.0.0.1:7001'));
    await expect(verifyWebhook({ payload: d.body, header: d.headers['Kallglot-Signature'], secret: 's3cret', now: 100 })).resolves.toMatchObject({ id: 'evt_2' });
  });
});
