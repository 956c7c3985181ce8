// Replay mode for startMock (node): the cassette read and checked, a real-time scheduler at the replay's speed,
// the REST step for the pipeline, the stream replayer for the ws adapter, and recorded webhooks re-signed with the
// replay's secret and POSTed to its webhook URLs. Strict mode collects differences; `finish()` ends the run.
import type { ReplayRoute } from '../pipeline/pipeline.js';
import type { Cassette } from './cassette.js';
import { loadCassetteFile } from './file.js';
import { createRestReplayer } from './rest.js';
import { replayRoute } from './route.js';
import { realScheduler } from './scheduler.js';
import { createStreamReplayer, type StreamReplayer } from './stream.js';
import { StrictLog, type Difference } from './strict.js';
import { createWebhookReplay, type WebhookReplay } from './webhooks.js';

export interface ReplaySetup {
  /** A cassette file (HAR) or a loaded cassette. */
  cassette: string | Cassette;
  /** Report every difference between what the client sends and the recording; the run fails on one. */
  strict?: boolean;
  /** Speed of the recorded timing: 2 = twice as fast, 0 = no waiting. Default 1. */
  speed?: number;
  webhookUrls: string[];
  webhookSecret: string;
  log(line: string): void;
}

export interface RunningReplay {
  readonly cassette: Cassette;
  /** Strict mode's differences (empty without strict: a miss is then only the 404/501 the client gets). */
  readonly strict: StrictLog;
  readonly stream: StreamReplayer;
  readonly webhooks: WebhookReplay;
  /** The pipeline's REST step, with `stream.url` moved onto `streamUrl`. */
  route(streamUrl: string): ReplayRoute;
  /** Ends the run: strict mode's end-of-run checks (recorded writes never sent), then every difference. */
  finish(): Promise<Difference[]>;
  close(): void;
}

export async function prepareReplay(o: ReplaySetup): Promise<RunningReplay> {
  const cassette = typeof o.cassette === 'string' ? await loadCassetteFile(o.cassette) : o.cassette;
  const strict = new StrictLog(100, (d) => o.log(`replay difference (${d.kind}): ${d.message}`));
  const scheduler = realScheduler(o.speed ?? 1);
  const check = o.strict ? strict : undefined;
  let streamUrl: string | undefined;
  const webhooks = createWebhookReplay({
    secret: o.webhookSecret,
    scheduler,
    factor: scheduler.factor,
    get streamUrl() {
      return streamUrl;
    },
    deliver: async (d) => {
      for (const url of o.webhookUrls) {
        const res = await fetch(url, { method: 'POST', headers: d.headers, body: d.body as Uint8Array<ArrayBuffer>, signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer().catch(() => undefined);
        if (res.status >= 300) o.log(`replayed webhook to ${url}: HTTP ${res.status}`);
      }
    },
    log: o.log,
  });
  const stream = createStreamReplayer(cassette, { scheduler, timeScale: scheduler.factor, strict: check, onWebhook: (w) => webhooks.schedule(w, w.delayMs) });
  let rest: ReturnType<typeof createRestReplayer> | undefined;
  return {
    cassette,
    strict,
    stream,
    webhooks,
    route(url) {
      streamUrl = url;
      rest = createRestReplayer(cassette, { streamUrl: url, strict: check });
      return replayRoute(rest, (w, ms) => webhooks.schedule(w, ms));
    },
    async finish() {
      if (o.strict) rest?.finish();
      await strict.settled();
      return strict.all().differences;
    },
    close: () => scheduler.dispose(),
  };
}
