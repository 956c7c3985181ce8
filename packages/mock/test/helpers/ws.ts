// A tiny recording WebSocket client for protocol tests.
import WebSocket from 'ws';

export interface Recorded {
  ws: WebSocket;
  frames: string[];
  closed: Promise<{ code: number; reason: string }>;
  next(pred?: (f: any) => boolean, timeoutMs?: number): Promise<any>;
  send(o: unknown): void;
}

export function connect(url: string): Recorded {
  const ws = new WebSocket(url);
  const frames: string[] = [];
  const waiters: { pred: (f: any) => boolean; resolve: (f: any) => void; from: number }[] = [];
  let cursor = 0;
  ws.on('message', (d) => {
    frames.push(d.toString());
    for (const w of [...waiters]) {
      for (let i = w.from; i < frames.length; i++) {
        let f: any;
        try {
          f = JSON.parse(frames[i]!);
        } catch {
          f = { __raw: frames[i] };
        }
        if (w.pred(f)) {
          waiters.splice(waiters.indexOf(w), 1);
          cursor = i + 1;
          w.resolve(f);
          break;
        }
      }
    }
  });
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return {
    ws,
    frames,
    closed,
    next(pred = () => true, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        for (let i = cursor; i < frames.length; i++) {
          let f: any;
          try {
            f = JSON.parse(frames[i]!);
          } catch {
            f = { __raw: frames[i] };
          }
          if (pred(f)) {
            cursor = i + 1;
            return resolve(f);
          }
        }
        const w = { pred, resolve, from: cursor };
        waiters.push(w);
        setTimeout(() => {
          const idx = waiters.indexOf(w);
          if (idx >= 0) {
            waiters.splice(idx, 1);
            reject(new Error(`no matching frame within ${timeoutMs} ms; got ${frames.slice(-5).join(' | ')}`));
          }
        }, timeoutMs).unref();
      });
    },
    send(o) {
      ws.send(typeof o === 'string' ? o : JSON.stringify(o));
    },
  };
}

export function audioFrame(bytes: number, seq = 0, extra: Record<string, unknown> = {}) {
  return {
    type: 'audio.input',
    sequence: seq,
    timestamp_ms: Date.now(),
    speaker: 'customer',
    audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: Buffer.alloc(bytes, 0xff).toString('base64') },
    ...extra,
  };
}

/** audio.input frames of the bundled speech sample (μ-law from helpers/audio.ts), `ms` each, from audio ms `fromMs` to `toMs`. */
export function speechFrames(speech: Uint8Array, fromMs = 0, toMs = speech.length / 8, ms = 100) {
  const out = [];
  for (let at = fromMs, seq = fromMs / ms; at < toMs; at += ms, seq++) {
    const payload = Buffer.from(speech.subarray(at * 8, Math.min(toMs, at + ms) * 8)).toString('base64');
    out.push({ type: 'audio.input', sequence: seq, timestamp_ms: at, speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload } });
  }
  return out;
}
