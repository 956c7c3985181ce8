// startMock: REST mock + stream mock (+ docs site) sharing one session registry, with optional lifecycle webhooks.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDocsServer, type DocsServer } from './docs.js';
import { SessionRegistry, type RegistryEvent } from './registry.js';
import { startRestMock, type RestMock, type RestMockOptions } from './rest.js';
import type { FaultSpec, Scenario } from './scenario.js';
import { startStreamMock, type StreamMock } from './stream.js';
import { loadOpenApiModel, sendWebhook, type WebhookResult } from './webhook.js';

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
  /** Honour fault parameters (`mock_close_code`, …) on stream connect URLs. Default false. */
  allowUrlFaults?: boolean;
  /** Deadline for one REST exchange with Prism (ms). Default 15 000. */
  upstreamTimeoutMs?: number;
  /** Where lifecycle webhooks (session.created, session.started, session.ended) are posted. */
  webhookUrl?: string;
  webhookSecret?: string;
  /** Scale of the webhook retry schedule (1 = documented delays). */
  webhookTimeScale?: number;
  credits?: number;
  rateLimit?: number;
  openapiPath?: string;
  asyncapiPath?: string;
  selfCheck?: boolean;
  log?: (line: string) => void;
}

export interface RunningMock {
  urls: { rest: string; stream: string; docs?: string; health: string };
  rest: RestMock;
  stream: StreamMock;
  docs?: DocsServer;
  registry: SessionRegistry;
  /** Settled webhook deliveries fired by lifecycle events. */
  webhookResults: Promise<WebhookResult>[];
  close(): Promise<void>;
}

export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log;
  const registry = new SessionRegistry();
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
  let rest: RestMock;
  try {
    const restOpts: RestMockOptions = {
      host,
      port: options.restPort ?? 4010,
      openapiPath: options.openapiPath,
      registry,
      streamBaseUrl: stream.url,
      credits: options.credits,
      rateLimit: options.rateLimit,
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
        docs = await startDocsServer({ dir: docsDir, host, port: options.docsPort ?? 4012 });
      } catch (e) {
        await rest.close();
        await stream.close();
        throw e;
      }
    }
  }

  const webhookResults: Promise<WebhookResult>[] = [];
  const controller = new AbortController();
  if (options.webhookUrl) {
    const model = loadOpenApiModel(options.openapiPath);
    const secret = options.webhookSecret ?? 'whsec_kallglot_mock';
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
        duration_seconds: s.endedAt ? Math.round((s.endedAt.getTime() - (s.startedAt ?? s.createdAt).getTime()) / 100) / 10 : undefined,
      };
      // Only fields the event's example carries (and that are known here) are replaced.
      const exampleData = (model.webhookExamples.get(ev.type)?.data ?? {}) as Record<string, unknown>;
      const data: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(candidate)) if (k in exampleData && v !== undefined) data[k] = v;
      const p = sendWebhook({ url: options.webhookUrl!, event: ev.type, secret, model, data, timeScale: options.webhookTimeScale ?? 1, signal: controller.signal });
      p.catch(() => undefined);
      webhookResults.push(p);
    });
  }

  return {
    urls: { rest: rest.url, stream: stream.url, docs: docs?.url, health: `${rest.url}/health` },
    rest,
    stream,
    docs,
    registry,
    webhookResults,
    async close() {
      controller.abort();
      await Promise.allSettled([rest.close(), stream.close(), docs?.close()]);
    },
  };
}
