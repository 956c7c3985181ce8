// Comparing what a client sends with what was recorded: canonical JSON (key order and whitespace do not count)
// and the first difference as a JSON pointer with both values, for messages that name the difference.

const decoder = new TextDecoder();
const MAX_DEPTH = 64;

/** JSON bodies with sorted keys and no whitespace; other bodies as text. Empty stays empty. */
export function canonicalBody(body: Uint8Array | string): string {
  const text = typeof body === 'string' ? body : decoder.decode(body);
  if (text.trim() === '') return '';
  try {
    return canonicalJson(JSON.parse(text));
  } catch {
    return text;
  }
}

export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, depth + 1)).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k], depth + 1)}`).join(',')}}`;
}

export interface FirstDifference {
  /** JSON pointer of the first place that differs (`` for the whole value). */
  pointer: string;
  recorded: unknown;
  sent: unknown;
}

/** The first difference between two JSON values, depth-first in the recorded value's key order. */
export function firstDifference(recorded: unknown, sent: unknown, pointer = '', depth = 0): FirstDifference | undefined {
  if (depth > MAX_DEPTH) return canonicalJson(recorded) === canonicalJson(sent) ? undefined : { pointer, recorded, sent };
  const bothObjects = recorded !== null && sent !== null && typeof recorded === 'object' && typeof sent === 'object';
  if (!bothObjects || Array.isArray(recorded) !== Array.isArray(sent)) {
    return Object.is(recorded, sent) ? undefined : { pointer, recorded, sent };
  }
  if (Array.isArray(recorded) && Array.isArray(sent)) {
    for (let i = 0; i < Math.max(recorded.length, sent.length); i++) {
      const d = firstDifference(recorded[i], sent[i], `${pointer}/${i}`, depth + 1);
      if (d) return d;
    }
    return undefined;
  }
  const r = recorded as Record<string, unknown>;
  const s = sent as Record<string, unknown>;
  for (const k of new Set([...Object.keys(r), ...Object.keys(s)])) {
    const d = firstDifference(r[k], s[k], `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1);
    if (d) return d;
  }
  return undefined;
}

/** A value for a message: JSON, cut at `max` characters; `undefined` reads as "absent". */
export function show(value: unknown, max = 120): string {
  if (value === undefined) return 'absent';
  const s = JSON.stringify(value) ?? String(value);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** "differs at /mode (recorded "a", sent "b")" for two bodies, JSON or not. */
export function describeBodyDifference(recorded: string, sent: string): string {
  let r: unknown;
  let s: unknown;
  try {
    r = recorded === '' ? undefined : JSON.parse(recorded);
    s = sent === '' ? undefined : JSON.parse(sent);
  } catch {
    return `body differs (recorded ${show(recorded)}, sent ${show(sent)})`;
  }
  const d = firstDifference(r, s);
  if (!d) return 'body is the same';
  return `body differs at ${d.pointer || '/'} (recorded ${show(d.recorded)}, sent ${show(d.sent)})`;
}
