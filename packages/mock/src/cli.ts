// `kallglot-mock` command line: serve the mocks, or send a signed webhook.
import { parseArgs } from 'node:util';
import { startMock, type MockOptions } from './mock.js';
import type { FaultSpec } from './scenario.js';
import { loadOpenApiModel, sendWebhook, webhookEventTypes } from './webhook.js';

const USAGE = `Usage:
  kallglot-mock [serve] [options]          REST mock, stream mock and docs on 127.0.0.1
  kallglot-mock webhook send --url URL --event TYPE --secret SECRET [--data JSON] [--time-scale X] [--max-attempts N]
  kallglot-mock webhook list               the documented event types

Serve options:
  --host HOST               bind address (default 127.0.0.1)
  --rest-port N             REST mock port (default 4010; 0 = any free port)
  --stream-port N           stream mock port (default 4011)
  --docs-port N             docs site port (default 4012)
  --docs-dir DIR            serve this directory as the docs site (default ../../docs/dist when present)
  --no-docs                 do not serve the docs site
  --scenario NAME|FILE      default stream scenario (built-in: default, bilingual, drop-connection, ...)
  --scenario-dir DIR        extra directory of scenario JSON files
  --strict-tokens           refuse kst_ tokens this mock did not issue (4001)
  --latency-ms N            fault: delay every stream server frame
  --drop-after-ms N         fault: drop stream connections after N ms
  --close-code CODE         fault: close stream connections with CODE ...
  --close-after-ms N        ... after N ms (default 0)
  --malformed-every N       fault: every Nth stream server frame is malformed
  --webhook-url URL         post every webhook event here (repeat for several targets)
  --webhook-secret SECRET   signing secret for those webhooks (default whsec_kallglot_mock)
  --webhook-time-scale X    scale the documented retry delays (default 1)
  --credits N               starting API credits (default 1000)
  --rate-limit N            requests per minute per key; 0 = unlimited (default 1000)
  --openapi FILE            OpenAPI bundle (default @kallglot/spec/openapi.json)
  --asyncapi FILE           AsyncAPI bundle (default @kallglot/spec/asyncapi.json)
  --json                    print the URLs as one JSON line instead of a table
  Sandbox (stateful by default):
  --stateless               example-driven mode: Prism answers from the spec's examples, nothing is remembered
  --seed FILE               seed the sandbox from a JSON fixture at start
  --state-file FILE         persist the sandbox state there (atomically) and reload it on start
  --time-scale X            virtual ms per real ms for the sandbox clock (0 = frozen; default 1)
  --recording-delay-ms N    virtual ms from session end to recording ready (default 3000)
  --analysis-delay-ms N     virtual ms from analysis request to completion (default 2000)
  --idempotency-ttl-ms N    how long idempotent answers are replayed (default 86400000 = 24 h)
  -h, --help                this text`;

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
  const mock = await startMock(opts);
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
