// MSW's replay: the stream handler replays recorded connections, the REST step answers from the cassette (inside
// the one pipeline, after its checks), and recorded webhooks are re-signed and handed to `onWebhook`. Browser-safe.
import { ws, type WebSocketHandler } from 'msw';
import type { ReplayRoute } from '../pipeline/pipeline.js';
import type { DeliveredWebhook } from '../webhooks/sink.js';
import { loadCassette, type Cassette } from './cassette.js';
import { createRestReplayer, type RestReplayer } from './rest.js';
import { replayRoute } from './route.js';
import { realScheduler, type RealScheduler } from './scheduler.js';
import { createStreamReplayer } from './stream.js';
import { StrictLog, type Difference } from './strict.js';
import { createWebhookReplay, type WebhookReplay } from './webhooks.js';

export interface MswReplayOptions {
  /** Fail on any difference from the recording (stream closed with 1008; `replay.finish()` lists them). */
  strict?: boolean;
  /** Speed of the recorded timing: 2 = twice as fast, 0 = no waiting. Default 1. */
  timeScale?: number;
}

export interface MswReplay {
  readonly cassette: Cassette;
  readonly strict: StrictLog;
  readonly webhooks: WebhookReplay;
  /** Strict mode's end-of-run check (recorded writes never sent), then every difference so far. */
  finish(): Promise<Difference[]>;
}

export interface MswReplayParts {
  replay: MswReplay;
  route: ReplayRoute;
  stream: WebSocketHandler;
  scheduler: RealScheduler;
}

const text = new TextDecoder();

export function mswReplay(input: Cassette | string | object, streamUrl: string, secret: string, onWebhook: ((w: DeliveredWebhook) => void | Promise<void>) | undefined, o: MswReplayOptions = {}): MswReplayParts {
  const cassette = typeof input === 'object' && 'http' in input && 'sockets' in input ? (input as Cassette) : loadCassette(input);
  const strict = new StrictLog();
  const scheduler = realScheduler(o.timeScale ?? 1);
  const webhooks = createWebhookReplay({
    secret, scheduler, factor: scheduler.factor, streamUrl,
    deliver: async (d) => {
      const body = text.decode(d.body);
      const payload = JSON.parse(body) as DeliveredWebhook['payload'];
      await onWebhook?.({ id: payload.id, type: payload.type, body, payload, headers: d.headers, secret });
    },
  });
  const rest: RestReplayer = createRestReplayer(cassette, { streamUrl, strict: o.strict ? strict : undefined });
  const streams = createStreamReplayer(cassette, { scheduler, timeScale: scheduler.factor, strict: o.strict ? strict : undefined, onWebhook: (w) => webhooks.schedule(w, w.delayMs) });
  const link = ws.link(`${streamUrl.replace(/\/$/, '')}/v1/sessions/*`);
  const stream = link.addEventListener('connection', ({ client }) => {
    const url = new URL(client.url);
    const port = {
      send: (data: string | Uint8Array) => client.send(data as string),
      // After every frame queued before it (MSW delivers sends in microtasks).
      close: (code: number, reason: string) => void setTimeout(() => client.close(code, reason), 0),
    };
    const c = streams.connect({ path: url.pathname, token: url.searchParams.get('token') }, port);
    if ('refused' in c) {
      client.send(JSON.stringify({ type: 'session.error', code: c.reason, message: c.message }));
      return port.close(c.code, c.reason);
    }
    // A failure closes this socket only (1011), as in the node adapter.
    const guard = (run: () => void) => {
      try {
        run();
      } catch {
        port.close(1011, 'internal_error');
      }
    };
    client.addEventListener('message', (event) => {
      const data = event.data;
      if (typeof data === 'string') return guard(() => c.onClientFrame(data));
      if (data instanceof ArrayBuffer) return guard(() => c.onClientFrame(new Uint8Array(data)));
      if (ArrayBuffer.isView(data)) return guard(() => c.onClientFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
      void (data as Blob).arrayBuffer().then((b) => guard(() => c.onClientFrame(new Uint8Array(b))));
    });
    client.addEventListener('close', () => guard(() => c.onClientClose()));
  });
  const replay: MswReplay = {
    cassette, strict, webhooks,
    async finish() {
      if (o.strict) rest.finish();
      await strict.settled();
      return strict.all().differences;
    },
  };
  return { replay, route: replayRoute(rest, (w, ms) => webhooks.schedule(w, ms)), stream, scheduler };
}
