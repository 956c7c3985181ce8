// startMock: REST mock + stream mock (+ docs site) over one sandbox engine, with signed webhooks and a control plane.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { startDocsServer, type DocsServer } from './node/docs.js';
import { installedDocsDir } from './node/docs-site.js';
import { SessionRegistry, type RegistryEvent } from './registry.js';
import { startRestMock, type RestMock, type RestMockOptions } from './rest.js';
import type { FaultSpec, Scenario } from './scenario.js';
import { startStreamMock, type StreamMock } from './stream.js';
import { loadOpenApiModel, sendWebhook, type WebhookResult } from './webhook.js';
import { Engine, type EngineOptions, type SeedFixture, type StateFile } from './engine/index.js';
import { WebhookDispatcher } from './webhooks.js';

/** The installed @kallglot/docs site (its dist/), or '' when that package is not installed. */
export const DEFAULT_DOCS_DIR = installedDocsDir();

export interface MockOptions {
  host?: string;
  restPort?: number;
  streamPort?: number;
  docsPort?: number;
  /** Docs directory to serve; default the installed @kallglot/docs site. `false` disables the docs server. */
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

export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log;
  const stateless = options.stateless ?? false;
  const docsPort = options.docsPort ?? 4012;
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
  const registry = new SessionRegistry(engine);
  const urls = [...(options.webhookUrls ?? []), ...(options.webhookUrl ? [options.webhookUrl] : [])];
  const secret = options.webhookSecret ?? 'whsec_kallglot_mock';
  const webhooks = new WebhookDispatcher(engine, { urls: stateless ? [] : urls, secret, log });

  let saveTimer: NodeJS.Timeout | undefined;
  const saveState = () => {
    if (!options.stateFile) return;
    try {
      writeAtomic(options.stateFile, JSON.stringify(engine.dump()));
    } catch (e) {
      (log ?? console.error)(`state file not written: ${(e as Error).message}`);
    }
  };
  // Coalesce saves: at most one write per 250 ms of changes.
  const changed = () => {
    if (!options.stateFile || saveTimer) return;
    saveTimer = setTimeout(() => {
      saveTimer = undefined;
      saveState();
    }, 250);
    saveTimer.unref();
  };
  const offChanged = engine.onEvent(changed);

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
  // The docs site's origins; with port 0 they are known only once the docs server listens (added below).
  const corsOrigins = new Set(options.corsOrigins ?? (docsPort ? [`http://127.0.0.1:${docsPort}`, `http://localhost:${docsPort}`] : []));
  let rest: RestMock;
  try {
    const restOpts: RestMockOptions = {
      host,
      port: options.restPort ?? 4010,
      openapiPath: options.openapiPath,
      registry,
      engine,
      stateless,
      streamBaseUrl: stream.url,
      credits: options.credits,
      rateLimit: options.rateLimit,
      corsOrigins,
      control: {
        webhooks: (f) => webhooks.list(f),
        sizes: () => ({ webhook_records: webhooks.size }),
        changed,
        reset: () => webhooks.clear(),
      },
      upstreamTimeoutMs: options.upstreamTimeoutMs,
      log,
    };
    rest = await startRestMock(restOpts);
  } catch (e) {
    await stream.close();
    throw e;
  }
  let docs: DocsServer | undefined;
  const docsDir = options.docsDir === false ? undefined : (options.docsDir ?? (existsSync(DEFAULT_DOCS_DIR) ? DEFAULT_DOCS_DIR : undefined));
  if (docsDir) {
    if (!existsSync(docsDir)) {
      (log ?? console.error)(`docs directory ${docsDir} does not exist; docs server not started`);
    } else {
      try {
        docs = await startDocsServer({ dir: docsDir, host, port: docsPort, localMock: { rest: rest.url, stream: stream.url } });
        if (!options.corsOrigins) for (const h of ['127.0.0.1', 'localhost']) corsOrigins.add(`http://${h}:${docs.port}`);
      } catch (e) {
        await rest.close();
        await stream.close();
        throw e;
      }
    }
  }
  // The adapter, not the engine, owns real time: due clock tasks run every 50 ms.
  const ticker = setInterval(() => {
    try {
      engine.clock.runDue();
    } catch (e) {
      (log ?? console.error)(`clock task failed: ${(e as Error).message}`);
    }
  }, 50);
  ticker.unref();

  const webhookResults: Promise<WebhookResult>[] = [];
  const controller = new AbortController();
  if (stateless && urls.length) {
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
        const p = sendWebhook({ url, event: ev.type, secret, model, data, timeScale: options.webhookTimeScale ?? 1, signal: controller.signal });
        p.catch(() => undefined);
        webhookResults.push(p);
      }
    });
  }

  return {
    urls: { rest: rest.url, stream: stream.url, docs: docs?.url, health: `${rest.url}/health`, control: `${rest.url}/_mock` },
    rest,
    stream,
    docs,
    registry,
    engine,
    webhooks,
    webhookResults,
    saveState,
    async close() {
      controller.abort();
      clearInterval(ticker);
      if (saveTimer) clearTimeout(saveTimer);
      offChanged();
      if (options.stateFile) saveState();
      webhooks.close();
      await Promise.allSettled([rest.close(), stream.close(), docs?.close()]);
    },
  };
}
