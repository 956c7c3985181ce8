// One client program, run unchanged against the real thing (here: kallglot-mock behind the recording proxy), the
// `--replay` mock and MSW's replay: the whole life of a session with fetch and the global WebSocket. It returns
// every REST status and body (bytes as base64) and every server frame in order, so runs compare byte for byte.
// `advance` moves the upstream's clock while recording (recording and analysis become ready); a replay needs none.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chunkFrames, wavToMulaw8k } from '@kallglot/stream';

export const CALL_WAV = fileURLToPath(new URL('../../stream/examples/call.wav', import.meta.url));

export interface LifeOptions {
  baseUrl: string;
  apiKey: string;
  /** Sent as the session's metadata.order: change it to make a run differ from the recording. */
  order?: string;
  advance?: (ms: number) => Promise<void>;
}

export interface LifeResult {
  rest: { call: string; status: number; body: string }[];
  frames: string[];
  close: { code: number; reason: string };
  sessionId: string;
  token: string;
}

export async function sessionLife(o: LifeOptions): Promise<LifeResult> {
  const rest: LifeResult['rest'] = [];
  const call = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${o.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${o.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const json = (res.headers.get('content-type') ?? '').includes('json');
    rest.push({ call: `${method} ${path}`, status: res.status, body: json ? bytes.toString('utf8') : bytes.toString('base64') });
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${bytes.toString('utf8')}`);
    return json ? JSON.parse(bytes.toString('utf8')) : bytes;
  };
  const agent = await call('POST', '/v1/agents', { name: 'Concierge', system_prompt: 'Help callers with their orders.', voice: 'nova', temperature: 0.4 });
  const session = await call('POST', '/v1/sessions', {
    mode: 'ai_agent', ai_agent: { agent_id: agent.id }, source_language: 'en', target_language: 'es', recording: { enabled: true }, metadata: { order: o.order ?? 'A-1' },
  });
  const { frames, close } = await streamWav(`${session.stream.url}?token=${encodeURIComponent(session.stream.token)}`);
  await call('GET', `/v1/sessions/${session.id}`);
  await call('GET', `/v1/sessions/${session.id}/transcript`);
  const recs = await call('GET', `/v1/sessions/${session.id}/recordings`);
  await o.advance?.(5000);
  const rec = await call('GET', `/v1/recordings/${recs.data[0].id}`);
  await call('GET', rec.download_url);
  const queued = await call('POST', `/v1/sessions/${session.id}/analysis`, { include: ['summary', 'keywords', 'sentiment'] });
  await o.advance?.(5000);
  await call('GET', `/v1/analyses/${queued.id}`);
  await call('DELETE', `/v1/agents/${agent.id}`);
  return { rest, frames, close, sessionId: session.id, token: session.stream.token };
}

/** call.wav as 100 ms μ-law frames; waits for the first transcript.final, ends the session, waits for the close. */
function streamWav(url: string): Promise<{ frames: string[]; close: { code: number; reason: string } }> {
  const audio = [...chunkFrames(wavToMulaw8k(readFileSync(CALL_WAV)), { ms: 100 })];
  const frames: string[] = [];
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let sent = false;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      ws.send(JSON.stringify({ type: 'session.end' }));
    };
    ws.onmessage = (ev) => {
      const text = String(ev.data);
      frames.push(text);
      const type = JSON.parse(text).type as string;
      if (type === 'session.ready' && !sent) {
        sent = true;
        audio.forEach((chunk, i) => ws.send(JSON.stringify({ type: 'audio.input', sequence: i, timestamp_ms: i * 100, speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: Buffer.from(chunk).toString('base64') } })));
      }
      if (type === 'transcript.final') end();
    };
    ws.onerror = () => reject(new Error(`stream ${url.replace(/token=[^&]+/, 'token=***')} failed`));
    ws.onclose = (ev) => resolve({ frames, close: { code: ev.code, reason: ev.reason } });
  });
}
