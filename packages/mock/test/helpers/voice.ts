// Streams audio over a real socket frame by frame, with a ping after each frame: every server frame that arrives
// before that frame's pong was caused by it, so it is stamped with the audio (ms) sent so far. No clock, no sleeps.
export interface FrameChannel {
  send(o: unknown): void;
  next(pred: (f: any) => boolean, timeoutMs?: number): Promise<any>;
}

export type Stamped = Record<string, any> & { type: string; atMs: number };

export async function streamStamped(ch: FrameChannel, audio: Uint8Array, ms = 100, stopOn?: (f: Stamped) => boolean): Promise<Stamped[]> {
  const out: Stamped[] = [];
  let sentMs = 0;
  for (let o = 0, seq = 0; o < audio.length; o += ms * 8, seq++) {
    const chunk = audio.subarray(o, o + ms * 8);
    sentMs += chunk.length / 8;
    ch.send({ type: 'audio.input', sequence: seq, timestamp_ms: seq * ms, speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: Buffer.from(chunk).toString('base64') } });
    ch.send({ type: 'ping' });
    for (;;) {
      const f = await ch.next(() => true);
      if (f.type === 'pong') break;
      out.push({ ...f, atMs: sentMs });
    }
    if (stopOn && out.some(stopOn)) break;
  }
  return out;
}
