// A cassette as a sandbox scenario: the recorded call's transcript turns, with the audio each turn needed before
// its final, so the sandbox's stateful stream says a real call's words in tests that create their own sessions.
// Source: the stream's `transcript.final` frames (timing = audio sent since the previous final); else the last
// recorded `GET …/transcript` answer (timing = the gap between turn timestamps).
import type { Scenario, Utterance } from '../scenario.js';
import { CassetteError, type Cassette, type RecordedHttp } from './cassette.js';
import { audioMs } from './frames.js';

export interface SeedOptions {
  /** Scenario name (lower-case letters, digits, dashes). Default `cassette`. */
  name?: string;
  /** Start over after the last turn. Default false: the call is said once, as it happened. */
  loop?: boolean;
}

const DEFAULT_AUDIO_MS = 1500;
const MAX_PARTIALS = 20;
const MAX_TURNS = 10_000;
const decoder = new TextDecoder();

/** A scenario object of the shape `scenario.schema.json` describes (pass it as the sandbox's `scenario`). */
export function scenarioFromCassette(cassette: Cassette, options: SeedOptions = {}): Scenario {
  const utterances = fromFrames(cassette);
  const turns = utterances.length ? utterances : fromTranscript(cassette);
  if (!turns.length) {
    throw new CassetteError('The cassette holds no transcript turns: no transcript.final frame and no GET …/transcript answer with turns. Record a call that streams audio, or that reads its transcript.');
  }
  const name = (options.name ?? 'cassette').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'cassette';
  const scenario: Scenario = {
    name,
    description: `Seeded from a recorded call: ${turns.length} turn${turns.length === 1 ? '' : 's'}.`,
    loop: options.loop ?? false,
    utterances: turns.slice(0, MAX_TURNS),
  };
  const languages = sessionLanguages(cassette.http);
  if (languages) scenario.default_languages = languages;
  return scenario;
}

function fromFrames(cassette: Cassette): Utterance[] {
  const out: Utterance[] = [];
  for (const socket of cassette.sockets) {
    let audio = 0;
    let partials = 0;
    let since = 0;
    for (const f of socket.frames) {
      if (f.direction === 'send') {
        audio += audioMs(f.data);
        continue;
      }
      const msg = parseObject(f.data);
      if (msg?.type === 'transcript.partial') partials++;
      if (msg?.type !== 'transcript.final') continue;
      const u = utterance(msg, audio > 0 ? audio : f.offsetMs - since, partials);
      if (u) out.push(u);
      [audio, partials, since] = [0, 0, f.offsetMs];
    }
  }
  return out;
}

function fromTranscript(cassette: Cassette): Utterance[] {
  const answer = [...cassette.http].reverse().find((h) => h.method === 'GET' && /\/transcript$/.test(h.path) && h.status === 200);
  const turns = answer ? parseObject(decoder.decode(answer.responseBody))?.turns : undefined;
  if (!Array.isArray(turns)) return [];
  const objects = turns.filter((t): t is Record<string, unknown> => !!t && typeof t === 'object');
  return objects.flatMap((t, i) => {
    const next = objects[i + 1];
    const gap = next ? Date.parse(String(next.timestamp)) - Date.parse(String(t.timestamp)) : NaN;
    const u = utterance(t, Number.isFinite(gap) ? gap : DEFAULT_AUDIO_MS, 2);
    return u ? [u] : [];
  });
}

function utterance(turn: Record<string, unknown>, ms: number, partials: number): Utterance | undefined {
  if (typeof turn.text !== 'string' || turn.text.length === 0) return undefined;
  const u: Utterance = { text: turn.text, audio_ms: Math.max(1, Math.round(ms)), partials: Math.min(MAX_PARTIALS, partials) };
  if (typeof turn.speaker === 'string') u.speaker = turn.speaker;
  if (typeof turn.language === 'string') u.language = turn.language;
  const tr = turn.translation as { language?: unknown; text?: unknown } | string | undefined;
  if (tr && typeof tr === 'object' && typeof tr.language === 'string' && typeof tr.text === 'string') u.translations = { [tr.language]: tr.text };
  return u;
}

function sessionLanguages(http: RecordedHttp[]): Scenario['default_languages'] | undefined {
  const created = http.find((h) => h.method === 'POST' && /\/sessions$/.test(h.path) && h.status < 300);
  const body = created ? parseObject(decoder.decode(created.responseBody)) : undefined;
  if (!body) return undefined;
  const pick = (v: unknown) => (typeof v === 'string' || v === null ? v : undefined);
  const source = pick(body.source_language);
  const target = pick(body.target_language);
  if (source === undefined && target === undefined) return undefined;
  return { ...(source !== undefined ? { source_language: source } : {}), ...(target !== undefined ? { target_language: target } : {}) };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
