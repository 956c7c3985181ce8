// A recorded call as `kallglot-contract proxy --record` writes it (HAR 1.2 + _webSocketMessages + _kallglot marks),
// built here so the mock's replay tests need no proxy. Redacted already: tokens are `kst_REDACTED_<n>`.
import { createHash } from 'node:crypto';

export const T0 = Date.parse('2026-03-26T11:00:00Z');
export const SESSION = 'sess_01HXYZ123456789';
export const TOKEN = 'kst_REDACTED_1';
export const RECORDED_STREAM = `ws://127.0.0.1:4011/v1/sessions/${SESSION}/connect`;

type Pair = [string, string];
const nv = (pairs: Pair[]) => pairs.map(([name, value]) => ({ name, value }));

export function httpEntry(at: number, method: string, url: string, reqBody: string | undefined, status: number, resBody: string, resHeaders: Pair[] = [], kind = 'http') {
  const u = new URL(url);
  return {
    startedDateTime: new Date(at).toISOString(),
    time: 5,
    request: {
      method, url, httpVersion: 'HTTP/1.1', cookies: [], headers: nv([['Authorization', 'Bearer sk_test_REDACTED']]),
      queryString: nv([...u.searchParams]), headersSize: -1, bodySize: reqBody ? reqBody.length : 0,
      ...(reqBody !== undefined ? { postData: { mimeType: 'application/json', text: reqBody } } : {}),
    },
    response: {
      status, statusText: '', httpVersion: 'HTTP/1.1', cookies: [],
      headers: nv([['Content-Type', 'application/json'], ['Content-Length', String(resBody.length)], ['X-Request-ID', `req_${at}`], ...resHeaders]),
      content: { size: resBody.length, mimeType: 'application/json', text: resBody }, redirectURL: '', headersSize: -1, bodySize: resBody.length,
    },
    cache: {},
    timings: { send: 0, wait: 5, receive: 0 },
    _kallglot: { kind },
  };
}

export interface Msg {
  type: 'send' | 'receive';
  at: number;
  data: string;
  opcode?: number;
}

export function socketEntry(at: number, url: string, messages: Msg[], close?: { code: number; reason: string; at: number }) {
  return {
    startedDateTime: new Date(at).toISOString(),
    time: close ? close.at - at : 0,
    request: { method: 'GET', url, httpVersion: 'HTTP/1.1', cookies: [], headers: [], queryString: nv([...new URL(url).searchParams]), headersSize: -1, bodySize: 0 },
    response: { status: 101, statusText: 'Switching Protocols', httpVersion: 'HTTP/1.1', cookies: [], headers: [], content: { size: 0, mimeType: '' }, redirectURL: '', headersSize: -1, bodySize: 0 },
    cache: {},
    timings: { send: 0, wait: 0, receive: 0 },
    _resourceType: 'websocket',
    _webSocketMessages: messages.map((m) => ({ type: m.type, time: m.at / 1000, opcode: m.opcode ?? 1, data: m.data })),
    _kallglot: { kind: 'websocket', ...(close ? { close: { code: close.code, reason: close.reason, time: close.at / 1000 } } : {}) },
  };
}

export function har(entries: unknown[], audio: 'full' | 'hash' = 'full') {
  return { log: { version: '1.2', creator: { name: 'kallglot-contract', version: '1.0.0' }, entries, _kallglot: { format: 1, audio, redacted: ['kst_REDACTED_1', 'sk_test_REDACTED'], truncated: false } } };
}

export const AUDIO_100MS = Buffer.alloc(800, 0x7f).toString('base64');
export const audioFrame = (sequence: number, payload = AUDIO_100MS) =>
  JSON.stringify({ type: 'audio.input', sequence, timestamp_ms: T0 + sequence * 100, speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload } });

export const sessionBody = JSON.stringify({
  id: SESSION, object: 'session', status: 'created', mode: 'bidirectional_translation', provider: 'sip', source_language: 'en', target_language: 'es',
  stream: { url: RECORDED_STREAM, token: TOKEN, expires_at: '2026-03-26T11:05:00Z' },
  recording: { enabled: true }, metadata: null, created_at: '2026-03-26T11:00:00Z',
}, null, 2);

const final1 = JSON.stringify({ type: 'transcript.final', sequence: 1, speaker: 'customer', language: 'en', text: 'Where is my package?', translation: { language: 'es', text: '¿Dónde está mi paquete?' } });
const final2 = JSON.stringify({ type: 'transcript.final', sequence: 2, speaker: 'agent', language: 'en', text: 'It arrives tomorrow.', translation: { language: 'es', text: 'Llega mañana.' } });

/** A whole call: create, stream (ready, 3 audio frames, partial, final, 2 more, final, end), analysis polled twice, a webhook. */
/** The recorder's `--record-audio hash` form of a base64 payload. */
export const hashed = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return `sha256:${createHash('sha256').update(bytes).digest('hex')};bytes=${bytes.length}`;
};

export function callHar(audio: 'full' | 'hash' = 'full', full = AUDIO_100MS) {
  const s = T0 + 100;
  const payload = audio === 'hash' ? hashed(full) : full;
  const messages: Msg[] = [
    { type: 'receive', at: s + 10, data: JSON.stringify({ type: 'session.ready', session_id: SESSION }) },
    { type: 'send', at: s + 100, data: audioFrame(0, payload) },
    { type: 'send', at: s + 200, data: audioFrame(1, payload) },
    { type: 'receive', at: s + 250, data: JSON.stringify({ type: 'transcript.partial', sequence: 1, speaker: 'customer', text: 'Where is' }) },
    { type: 'send', at: s + 300, data: audioFrame(2, payload) },
    { type: 'receive', at: s + 700, data: final1 },
    { type: 'send', at: s + 800, data: audioFrame(3, payload) },
    { type: 'send', at: s + 900, data: audioFrame(4, payload) },
    { type: 'receive', at: s + 1000, data: final2 },
    { type: 'send', at: s + 1100, data: JSON.stringify({ type: 'session.end' }) },
    { type: 'receive', at: s + 1120, data: JSON.stringify({ type: 'session.ended', session_id: SESSION, reason: 'explicit_end' }) },
  ];
  const analysis = (status: string) => JSON.stringify({ id: 'anl_1', object: 'analysis', session_id: SESSION, status });
  const event = JSON.stringify({ id: 'evt_1', type: 'session.ended', api_version: 'v1', created_at: '2026-03-26T11:00:02Z', data: { id: SESSION, object: 'session', status: 'ended' } });
  const hook = httpEntry(T0 + 1300, 'POST', 'http://127.0.0.1:9000/hooks', event, 200, '', [], 'webhook');
  hook.request.headers = nv([['Content-Type', 'application/json'], ['Kallglot-Signature', 't=1774522802,v1=REDACTED'], ['Kallglot-Webhook-Id', 'wh_del_1']]);
  return har([
    httpEntry(T0, 'POST', 'http://127.0.0.1:4010/v1/sessions', '{"mode":"bidirectional_translation","source_language":"en","target_language":"es"}', 201, sessionBody),
    socketEntry(s, `${RECORDED_STREAM}?token=${TOKEN}`, messages, { code: 1000, reason: 'normal_closure', at: s + 1150 }),
    httpEntry(T0 + 1280, 'POST', `http://127.0.0.1:4010/v1/sessions/${SESSION}/end`, undefined, 200, JSON.stringify({ id: SESSION, object: 'session', status: 'ended', duration_seconds: 1.2, ended_at: '2026-03-26T11:00:01Z' })),
    hook,
    httpEntry(T0 + 1400, 'POST', `http://127.0.0.1:4010/v1/sessions/${SESSION}/analysis`, '{"include":["summary"]}', 202, analysis('processing')),
    httpEntry(T0 + 1500, 'GET', 'http://127.0.0.1:4010/v1/analyses/anl_1', undefined, 200, analysis('processing')),
    httpEntry(T0 + 1600, 'GET', 'http://127.0.0.1:4010/v1/analyses/anl_1', undefined, 200, analysis('completed')),
    httpEntry(T0 + 1700, 'GET', `http://127.0.0.1:4010/v1/sessions/${SESSION}/recordings?limit=10&starting_after=rec_0`, undefined, 200, '{"object":"list","data":[]}'),
  ], audio);
}

/** A scheduler driven by hand: `advance(ms)` runs due timers in order. No real time passes. */
export class FakeScheduler {
  private t = 0;
  private seq = 0;
  private timers: { at: number; seq: number; run: () => void }[] = [];
  now = () => this.t;
  setTimer = (delayMs: number, run: () => void) => {
    const timer = { at: this.t + delayMs, seq: this.seq++, run };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  };
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = next.at;
      next.run();
    }
    this.t = end;
  }
  get pending(): number {
    return this.timers.length;
  }
}
