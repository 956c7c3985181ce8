// @kallglot/mock/msw — the sandbox in-process: MSW 2 handlers for every REST operation and the stream, over
// the same engine as kallglot-mock. Browser-safe: nothing in this import graph touches a Node built-in.
import type { RequestHandler, WebSocketHandler } from 'msw';
import { createStreamProtocol } from '../stream/protocol.js';
import type { ConnectOverrides } from '../stream/types.js';
import { Clock, Engine, type EngineOptions, type SeedFixture } from '../engine/index.js';
import type { ClockOptions } from '../engine/clock.js';
import { SessionRegistry } from '../registry.js';
import { createPipeline } from '../pipeline/pipeline.js';
import type { Scenario } from '../scenario.js';
import { overrideHandler, toConnectOverrides, type OverrideKey, type OverrideOptions, type OverrideResolver, type StreamScenario } from './overrides.js';
import { restHandlers } from './rest.js';
import { BUILTIN_SCENARIOS, contractModels, DEFAULT_SCENARIO } from './specs.js';
import { streamHandler } from './stream.js';
import { WebhookSink, type DeliveredWebhook } from '../webhooks/sink.js';

export type { DeliveredWebhook } from '../webhooks/sink.js';
export type { OverrideKey, OverrideResolver, OverrideReply, OverrideOptions, StreamScenario, ScriptedTurn, StreamCloseCode } from './overrides.js';

export const DEFAULT_MSW_BASE_URL = 'https://api.kallglot.com';
export const DEFAULT_MSW_STREAM_URL = 'wss://stream.kallglot.com';
export const DEFAULT_WEBHOOK_SECRET = 'whsec_kallglot_mock';

export interface KallglotHandlersOptions {
  /** Base URL the REST handlers answer (the client's `baseUrl`). Default https://api.kallglot.com. */
  baseUrl?: string;
  /** Base of the stream URLs handed out and intercepted. Default wss://stream.kallglot.com. */
  streamUrl?: string;
  /**
   * The engine's clock: a Clock, or its options. `{ scale: 0 }` freezes time so only `handlers.clock.advance(ms)`
   * moves it (recordings, analyses and call progress then happen exactly when a test says). Default: real time.
   */
  clock?: Clock | ClockOptions;
  /** State to start from (same fixture as `POST /_mock/seed`): `{ tenants: { "sk_test_…": { agents, sessions } } }`. */
  seed?: SeedFixture;
  /** The stream scenario every connection plays unless a test picks another. Default: the built-in `default`. */
  scenario?: Scenario;
  /** Secret webhooks are signed with. Default `whsec_kallglot_mock` (the mock's). */
  webhookSecret?: string;
  /** Called with every webhook, signed, as a receiver would get it. */
  onWebhook?: (w: DeliveredWebhook) => void | Promise<void>;
  /** Engine settings (credits, rate limit, delays, caps). */
  engine?: Omit<EngineOptions, 'clock' | 'streamBaseUrl'>;
  log?: (line: string) => void;
}

export interface KallglotHandlers extends Array<RequestHandler | WebSocketHandler> {
  /** The sandbox engine behind the handlers (state, snapshot, seed, reset). */
  readonly engine: Engine;
  readonly clock: Clock;
  readonly webhooks: WebhookSink;
  /** A typed one-off answer for an operation, to pass to `server.use(...)` / `worker.use(...)`. */
  override<K extends OverrideKey>(key: K, resolver: NoInfer<OverrideResolver<K>>, options?: OverrideOptions): RequestHandler;
  /** The stream plays `scenario` for the following connections (until `resetStream()` or `reset()`). */
  useStream(scenario: StreamScenario): void;
  resetStream(): void;
  /** Back to the start: the seed (if any), no webhooks, no stream overrides (call in afterEach). */
  reset(): void;
  /** Stop the clock ticker and the webhook subscription. */
  dispose(): void;
}

export function createKallglotHandlers(options: KallglotHandlersOptions = {}): KallglotHandlers {
  const { openapi, asyncapi, vocab } = contractModels();
  const baseUrl = (options.baseUrl ?? DEFAULT_MSW_BASE_URL).replace(/\/$/, '');
  const streamUrl = (options.streamUrl ?? DEFAULT_MSW_STREAM_URL).replace(/\/$/, '');
  const log = options.log ?? ((l: string) => console.warn(`[kallglot-mock msw] ${l}`));
  const clock = options.clock instanceof Clock ? options.clock : new Clock(options.clock);
  const engine = new Engine({ ...(options.engine ?? {}), clock, streamBaseUrl: streamUrl });
  if (options.seed) engine.seed(options.seed);
  const registry = new SessionRegistry(engine);
  const pipeline = createPipeline({ model: openapi, vocab, engine, log });
  const webhooks = new WebhookSink(engine, { secret: options.webhookSecret ?? DEFAULT_WEBHOOK_SECRET, onWebhook: options.onWebhook });
  const baseScenario = options.scenario ?? DEFAULT_SCENARIO;
  const protocol = createStreamProtocol({ model: asyncapi, registry, resolveScenario: (name) => {
      const s = name === baseScenario.name ? baseScenario : BUILTIN_SCENARIOS.get(name);
      if (!s) throw new Error(`unknown scenario '${name}'`);
      return s;
    }, defaultScenario: baseScenario, acceptUnknownTokens: false, log });
  let streamOverride: ConnectOverrides = {};

  // Real time runs due tasks (recording ready, analysis done) like the server's ticker; a frozen clock only
  // moves with clock.advance(), which runs them itself.
  const runDue = () => {
    try {
      clock.runDue();
    } catch (e) {
      log(`clock task failed: ${(e as Error).message}`);
    }
  };
  const ticker = clock.scale > 0 ? setInterval(runDue, 50) : undefined;
  (ticker as { unref?: () => void } | undefined)?.unref?.();

  const list = [...restHandlers({ baseUrl, model: openapi, pipeline, changed: runDue }), streamHandler(streamUrl, protocol, () => streamOverride)] as (RequestHandler | WebSocketHandler)[];
  const extras = {
    engine,
    clock,
    webhooks,
    override<K extends OverrideKey>(key: K, resolver: OverrideResolver<K>, o?: OverrideOptions) {
      return overrideHandler(baseUrl, key, resolver, o);
    },
    useStream(scenario: StreamScenario) {
      streamOverride = toConnectOverrides(scenario, baseScenario);
    },
    resetStream() {
      streamOverride = {};
    },
    reset() {
      engine.reset();
      if (options.seed) engine.seed(options.seed);
      webhooks.clear();
      streamOverride = {};
    },
    dispose() {
      if (ticker) clearInterval(ticker);
      webhooks.close();
      protocol.dispose();
    },
  };
  return Object.assign(list, extras) as KallglotHandlers;
}
