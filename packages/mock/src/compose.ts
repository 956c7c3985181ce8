// startMock (wiring only): REST mock + stream mock (+ docs site) over one sandbox engine, with signed webhooks, a
// control plane, an optional state file and the ticker that runs due clock tasks.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDocsServer, type DocsServer } from './docs.js';
import { SessionRegistry, type RegistryEvent } from './registry.js';
import { startRestMock, type RestMock, type RestMockOptions } from './node/server.js';
import type { FaultSpec, Scenario } from './scenario.js';
import { startStreamMock, type StreamMock } from './stream.js';
import { loadOpenApiModel } from './internal/load-openapi-model.js';
import { sendWebhook, type WebhookResult } from './webhooks/send.js';
import { Engine, type EngineOptions, type SeedFixture, type StateFile } from './engine/index.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';

/** docs/dist next to this package in the monorepo. */
export const DEFAULT_DOCS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'dist');

export interface MockOptions {
  host?: string;
  restPort?: number;
  streamPort?: number;
  docsPort?: number;
  /** Docs directory to serve; default ../../docs/dist when it exists. `false` disables the docs server. */
  docsDir?: string | false;
  scenario?: Scenario | string;
  scenarioDirs?: string[];
  faults?: FaultSpec;
  acceptUnknownTokens?: boolean;
  /** Example-driven mode (Prism answers from the spec's examples, nothing is remembered). Default false. */
  stateless?: boolean;
  /** Where webhooks are posted (each event to every URL). Events are recorded for /_mock/webhooks regardless. */
  webhookUrls?: string[];
  /** Honour fault parameters (`mock_close_code`, …) on stream connect URLs. Default false. */
  allowUrlFaults?: boolean;
  /** Deadline for one REST exchange with Prism (ms). Default 15 000. */
  upstreamTimeoutMs?: number;
  /** One more webhook target (kept for compatibility; joins `webhookUrls`). */
  webhookUrl?: string;
  webhookSecret?: string;
  /** Stateless mode: scale of the webhook retry schedule (1 = documented delays). */
  webhookTimeScale?: number;
  /** Virtual ms per real ms for the sandbox clock (0 = frozen: only /_mock/clock/advance moves it). Default 1. */
  timeScale?: number;
  /** Virtual ms from session end to recording ready. Default 3000. */
  recordingDelayMs?: number;
  /** Virtual ms from analysis request to completion. Default 2000. */
  analysisDelayMs?: number;
  /** How long idempotent answers are replayed. Default 24 h. */
  idempotencyTtlMs?: number;
  /** Fixture (object or path to a JSON file) seeded at start. */
  seed?: SeedFixture | string;
  /** Persist the state here (atomically, after changes) and reload it on start. */
  stateFile?: string;
  /** Caps of the sandbox's maps (sessions, agents, idempotency records, tenants, tokens, events per …). */
  limits?: EngineOptions['limits'];
  /** Origins answered with CORS headers. Default: the docs site on 127.0.0.1 and localhost. */
  corsOrigins?: string[];
  credits?: number;
  rateLimit?: number;
  openapiPath?: string;
  asyncapiPath?: string;
  selfCheck?: boolean;
  log?: (line: string) => void;
}

export interface RunningMock {
  urls: { rest: string; stream: string; docs?: string; health: string; control: string };
  rest: RestMock;
  stream: StreamMock;
  docs?: DocsServer;
  registry: SessionRegistry;
  engine: Engine;
  webhooks: WebhookDispatcher;
  /** Stateless mode: settled webhook deliveries fired by lifecycle events. */
  webhookResults: Promise<WebhookResult>[];
  /** Write the state file now (when one is configured). */
  saveState(): void;
  close(): Promise<void>;
}

function readSeed(seed: SeedFixture | string): SeedFixture {
  return typeof seed === 'string' ? (JSON.parse(readFileSync(seed, 'utf8')) as SeedFixture) : seed;
}

/** Write via a temporary file and rename, so a crash never leaves half a state file. */
function writeAtomic(path: string, data: string) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

function createEngine(options: MockOptions): Engine {
  const engine = new Engine({
    clock: { scale: options.timeScale ?? 1 },
    credits: options.credits,
    rateLimit: options.rateLimit,
    recordingDelayMs: options.recordingDelayMs,
    analysisDelayMs: options.analysisDelayMs,
    idempotencyTtlMs: options.idempotencyTtlMs,
    limits: options.limits,
  });
  const restored = !!options.stateFile && existsSync(options.stateFile);
  if (restored) engine.load(JSON.parse(readFileSync(options.stateFile!, 'utf8')) as StateFile);
  // A restored state already holds what the seed put there on the first start.
  if (options.seed && !restored) engine.seed(readSeed(options.seed));
  return engine;
}

/** The state file: saved after changes (coalesced: at most one write per 250 ms) and on close. */
function statePersistence(engine: Engine, stateFile: string | undefined, log: (line: string) => void) {
  let saveTimer: NodeJS.Timeout | undefined;
  const saveState = () => {
    if (!stateFile) return;
    try {
      writeAtomic(stateFile, JSON.stringify(engine.dump()));
    } catch (e) {
      log(`state file not written: ${(e as Error).message}`);
    }
  };
  const changed = () => {
    if (!stateFile || saveTimer) return;
    saveTimer = setTimeout(() => {
      saveTimer = undefined;
      saveState();
    }, 250);
    saveTimer.unref();
  };
  const offChanged = engine.onEvent(changed);
  const stop = () => {
    if (saveTimer) clearTimeout(saveTimer);
    offChanged();
    if (stateFile) saveState();
  };
  return { saveState, changed, stop };
}

/** The docs site, when there is one to serve; its real origins join the CORS list once it listens. */
async function startDocs(options: MockOptions, host: string, docsPort: number, corsOrigins: Set<string>, log: (line: string) => void): Promise<DocsServer | undefined> {
  const docsDir = options.docsDir === false ? undefined : (options.docsDir ?? (existsSync(DEFAULT_DOCS_DIR) ? DEFAULT_DOCS_DIR : undefined));
  if (!docsDir) return undefined;
  if (!existsSync(docsDir)) {
    log(`docs directory ${docsDir} does not exist; docs server not started`);
    return undefined;
  }
  const docs = await startDocsServer({ dir: docsDir, host, port: docsPort });
  if (!options.corsOrigins) for (const h of ['127.0.0.1', 'localhost']) corsOrigins.add(`http://${h}:${docs.port}`);
  return docs;
}

/** Stateless mode: lifecycle events become webhooks shaped like the spec's examples, sent with sendWebhook. */
function statelessWebhooks(registry: SessionRegistry, options: MockOptions, urls: string[], secret: string, signal: AbortSignal): Promise<WebhookResult>[] {
  const results: Promise<WebhookResult>[] = [];
  const model = loadOpenApiModel(options.openapiPath);
  registry.on('event', (ev: RegistryEvent) => {
    if (!model.webhookExamples.has(ev.type)) return;
    const s = ev.session;
    const iso = (d?: Date) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined);
    const candidate: Record<string, unknown> = {
      id: s.id,
      session_id: s.id,
      status: s.status,
      mode: s.mode,
      source_language: s.sourceLanguage,
      target_language: s.targetLanguage,
      metadata: s.metadata,
      created_at: iso(s.createdAt),
      started_at: iso(s.startedAt) ?? null,
      ended_at: iso(s.endedAt) ?? null,
    };
    const exampleData = (model.webhookExamples.get(ev.type)?.data ?? {}) as Record<string, unknown>;
    const data: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(candidate)) if (k in exampleData && v !== undefined) data[k] = v;
    for (const url of urls) {
      const p = sendWebhook({ url, event: ev.type, secret, model, data, timeScale: options.webhookTimeScale ?? 1, signal });
      p.catch(() => undefined);
      results.push(p);
    }
  });
  return results;
}

/** The adapter, not the engine, owns real time: due clock tasks run every 50 ms. */
function startTicker(engine: Engine, log: (line: string) => void): NodeJS.Timeout {
  const ticker = setInterval(() => {
    try {
      engine.clock.runDue();
    } catch (e) {
      log(`clock task failed: ${(e as Error).message}`);
    }
  }, 50);
  ticker.unref();
  return ticker;
}

function restOptions(options: MockOptions, host: string, parts: { registry: SessionRegistry; engine: Engine; streamUrl: string; corsOrigins: Set<string>; webhooks: WebhookDispatcher; changed(): void }): RestMockOptions {
  const { webhooks } = parts;
  return {
    host,
    port: options.restPort ?? 4010,
    openapiPath: options.openapiPath,
    registry: parts.registry,
    engine: parts.engine,
    stateless: options.stateless ?? false,
    streamBaseUrl: parts.streamUrl,
    credits: options.credits,
    rateLimit: options.rateLimit,
    corsOrigins: parts.corsOrigins,
    control: {
      webhooks: (f) => webhooks.list(f),
      sizes: () => ({ webhook_records: webhooks.size }),
      changed: parts.changed,
      reset: () => webhooks.clear(),
    },
    upstreamTimeoutMs: options.upstreamTimeoutMs,
    log: options.log,
  };
}

/** Start the whole sandbox: wiring only (engine, stream mock, REST mock, docs, webhooks, state file, ticker). */
export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log;
  const logLine = log ?? console.error;
  const stateless = options.stateless ?? false;
  const docsPort = options.docsPort ?? 4012;
  const engine = createEngine(options);
  const registry = new SessionRegistry(engine);
  const urls = [...(options.webhookUrls ?? []), ...(options.webhookUrl ? [options.webhookUrl] : [])];
  const secret = options.webhookSecret ?? 'whsec_kallglot_mock';
  const webhooks = new WebhookDispatcher(engine, { urls: stateless ? [] : urls, secret, log });
  const state = statePersistence(engine, options.stateFile, logLine);
  const stream = await startStreamMock({
    host,
    port: options.streamPort ?? 4011,
    asyncapiPath: options.asyncapiPath,
    registry,
    scenario: options.scenario,
    scenarioDirs: options.scenarioDirs,
    faults: options.faults,
    acceptUnknownTokens: options.acceptUnknownTokens,
    allowUrlFaults: options.allowUrlFaults,
    selfCheck: options.selfCheck,
    log,
  });
  engine.settings.streamBaseUrl = stream.url;
  // The docs site's origins; with port 0 they are known only once the docs server listens (added in startDocs).
  const corsOrigins = new Set(options.corsOrigins ?? (docsPort ? [`http://127.0.0.1:${docsPort}`, `http://localhost:${docsPort}`] : []));
  let rest: RestMock;
  try {
    rest = await startRestMock(restOptions(options, host, { registry, engine, streamUrl: stream.url, corsOrigins, webhooks, changed: state.changed }));
  } catch (e) {
    await stream.close();
    throw e;
  }
  let docs: DocsServer | undefined;
  try {
    docs = await startDocs(options, host, docsPort, corsOrigins, logLine);
  } catch (e) {
    await rest.close();
    await stream.close();
    throw e;
  }
  const ticker = startTicker(engine, logLine);
  const controller = new AbortController();
  const webhookResults = stateless && urls.length ? statelessWebhooks(registry, options, urls, secret, controller.signal) : [];

  return {
    urls: { rest: rest.url, stream: stream.url, docs: docs?.url, health: `${rest.url}/health`, control: `${rest.url}/_mock` },
    rest,
    stream,
    docs,
    registry,
    engine,
    webhooks,
    webhookResults,
    saveState: state.saveState,
    async close() {
      controller.abort();
      clearInterval(ticker);
      state.stop();
      webhooks.close();
      await Promise.allSettled([rest.close(), stream.close(), docs?.close()]);
    },
  };
}
