// `kallglot-mock` command line: serve the mocks, or send a signed webhook.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startMock, type MockOptions } from './compose.js';
import type { FaultSpec } from './scenario.js';
import { isSendableCloseCode } from './stream.js';
import { loadOpenApiModel } from './internal/load-openapi-model.js';
import { webhookEventTypes } from './webhooks/events.js';
import { sendWebhook } from './webhooks/send.js';

// The help text lives next to the bin, so `kallglot-mock --help` works before a build.
const USAGE = readFileSync(fileURLToPath(new URL('../bin/usage.txt', import.meta.url)), 'utf8').trimEnd();

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a non-negative integer, got '${v}'`);
  return Number(v);
}

class UsageError extends Error {}

function scale(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--webhook-time-scale must be a non-negative number, got '${v}'`);
  return n;
}

export async function main(argv: string[]): Promise<number> {
  try {
    if (argv[0] === 'webhook') return await webhookCommand(argv.slice(1));
    return await serve(argv[0] === 'serve' ? argv.slice(1) : argv);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`kallglot-mock: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

async function webhookCommand(argv: string[]): Promise<number> {
  const sub = argv[0];
  if (sub === 'list') {
    console.log(webhookEventTypes(loadOpenApiModel()).join('\n'));
    return 0;
  }
  if (sub !== 'send') throw new UsageError(`unknown webhook command '${sub ?? ''}'`);
  const { values } = parseArgs({
    args: argv.slice(1),
    options: {
      url: { type: 'string' },
      event: { type: 'string' },
      secret: { type: 'string' },
      data: { type: 'string' },
      'time-scale': { type: 'string' },
      'max-attempts': { type: 'string' },
      openapi: { type: 'string' },
    },
    strict: true,
  });
  if (!values.url || !values.event || !values.secret) throw new UsageError('webhook send needs --url, --event and --secret');
  let data: Record<string, unknown> | undefined;
  if (values.data) {
    try {
      data = JSON.parse(values.data) as Record<string, unknown>;
    } catch {
      throw new UsageError('--data must be a JSON object');
    }
  }
  const scale = values['time-scale'] !== undefined ? Number(values['time-scale']) : 1;
  if (!Number.isFinite(scale) || scale < 0) throw new UsageError('--time-scale must be a non-negative number');
  const model = loadOpenApiModel(values.openapi);
  if (!model.webhookExamples.has(values.event)) throw new UsageError(`unknown event '${values.event}'. Known: ${webhookEventTypes(model).join(', ')}`);
  const result = await sendWebhook({
    url: values.url,
    event: values.event,
    secret: values.secret,
    data,
    model,
    timeScale: scale,
    maxAttempts: int('max-attempts', values['max-attempts']),
    onAttempt: (a) => console.error(`attempt ${a.attempt} (retry ${a.retryCount}): ${a.status ?? a.error}`),
  });
  console.log(JSON.stringify({ delivered: result.delivered, webhook_id: result.webhookId, event_id: result.event.id, attempts: result.attempts.length }));
  return result.delivered ? 0 : 1;
}

/** A listen error on one of our ports, as a sentence naming the flag that moves it; undefined for other errors. */
function portHint(e: unknown, opts: MockOptions): string | undefined {
  const err = e as { code?: string; port?: number; address?: string };
  if (err?.code !== 'EADDRINUSE' && err?.code !== 'EACCES') return undefined;
  const which = [
    ['--rest-port', 'REST mock', opts.restPort],
    ['--stream-port', 'stream mock', opts.streamPort],
    ['--docs-port', 'docs site', opts.docsPort],
  ].find(([, , p]) => p === err.port) as [string, string, number] | undefined;
  const what = err.code === 'EADDRINUSE' ? 'is already in use' : 'may not be opened by this user';
  const where = `port ${err.port ?? '?'}${err.address ? ` on ${err.address}` : ''}`;
  if (!which) return `${where} ${what} (${err.code}).`;
  return `${where} (${which[1]}) ${what}: pass ${which[0]} N to pick another one (0 = any free port).`;
}

async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      'rest-port': { type: 'string' },
      'stream-port': { type: 'string' },
      'docs-port': { type: 'string' },
      'docs-dir': { type: 'string' },
      'no-docs': { type: 'boolean' },
      scenario: { type: 'string' },
      'scenario-dir': { type: 'string', multiple: true },
      'strict-tokens': { type: 'boolean' },
      'latency-ms': { type: 'string' },
      'drop-after-ms': { type: 'string' },
      'close-code': { type: 'string' },
      'close-after-ms': { type: 'string' },
      'malformed-every': { type: 'string' },
      'allow-url-faults': { type: 'boolean' },
      'upstream-timeout-ms': { type: 'string' },
      'webhook-url': { type: 'string', multiple: true },
      'webhook-secret': { type: 'string' },
      'webhook-time-scale': { type: 'string' },
      credits: { type: 'string' },
      'rate-limit': { type: 'string' },
      openapi: { type: 'string' },
      asyncapi: { type: 'string' },
      json: { type: 'boolean' },
      // sandbox flags
      stateless: { type: 'boolean' },
      seed: { type: 'string' },
      'state-file': { type: 'string' },
      'time-scale': { type: 'string' },
      'recording-delay-ms': { type: 'string' },
      'analysis-delay-ms': { type: 'string' },
      'idempotency-ttl-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const faults: FaultSpec = {};
  const f = (k: keyof FaultSpec, flag: string) => {
    const v = int(flag, values[flag as 'latency-ms'] as string | undefined);
    if (v !== undefined) faults[k] = v;
  };
  f('latency_ms', 'latency-ms');
  f('drop_after_ms', 'drop-after-ms');
  f('close_code', 'close-code');
  f('close_after_ms', 'close-after-ms');
  f('malformed_every', 'malformed-every');
  if (faults.close_code !== undefined && !isSendableCloseCode(faults.close_code)) {
    throw new UsageError(`--close-code ${faults.close_code} cannot be sent by a WebSocket: use 1000-1003, 1007-1014 or 3000-4999`);
  }
  const opts: MockOptions = {
    host: values.host ?? '127.0.0.1',
    restPort: int('rest-port', values['rest-port']) ?? 4010,
    streamPort: int('stream-port', values['stream-port']) ?? 4011,
    docsPort: int('docs-port', values['docs-port']) ?? 4012,
    docsDir: values['no-docs'] ? false : values['docs-dir'],
    scenario: values.scenario,
    scenarioDirs: values['scenario-dir'],
    faults,
    acceptUnknownTokens: !values['strict-tokens'],
    allowUrlFaults: values['allow-url-faults'] ?? false,
    upstreamTimeoutMs: int('upstream-timeout-ms', values['upstream-timeout-ms']),
    webhookUrls: values['webhook-url'],
    webhookSecret: values['webhook-secret'],
    webhookTimeScale: scale(values['webhook-time-scale']),
    credits: int('credits', values.credits),
    rateLimit: int('rate-limit', values['rate-limit']),
    openapiPath: values.openapi,
    asyncapiPath: values.asyncapi,
    // sandbox
    stateless: values.stateless,
    seed: values.seed,
    stateFile: values['state-file'],
    timeScale: scale(values['time-scale']),
    recordingDelayMs: int('recording-delay-ms', values['recording-delay-ms']),
    analysisDelayMs: int('analysis-delay-ms', values['analysis-delay-ms']),
    idempotencyTtlMs: int('idempotency-ttl-ms', values['idempotency-ttl-ms']),
  };
  let mock: Awaited<ReturnType<typeof startMock>>;
  try {
    mock = await startMock(opts);
  } catch (e) {
    const hint = portHint(e, opts);
    if (!hint) throw e;
    console.error(`kallglot-mock: ${hint}`);
    return 1;
  }
  const u = mock.urls;
  if (values.json) console.log(JSON.stringify({ ready: true, ...u }));
  else {
    const lines = [
      'kallglot-mock is running (Ctrl+C to stop)',
      `  REST    ${u.rest}`,
      `  Stream  ${u.stream}/v1/sessions/{session_id}/connect?token=kst_…`,
      `  Docs    ${u.docs ?? '(not served: build docs/ or pass --docs-dir)'}`,
      `  Health  ${u.health}`,
    ];
    console.log(lines.join('\n'));
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) {
        process.exit(1);
      }
      stopping = true;
      console.error(`kallglot-mock: ${sig} received, shutting down`);
      mock.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
