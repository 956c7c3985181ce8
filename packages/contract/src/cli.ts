// The kallglot-contract command line: `test`, `proxy`, `webhooks`. Exit 0 = no violation, 1 = violation,
// 2 = usage or connection error. Every line printed and every report written goes through the masker.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadContract } from './internal/contract.js';
import { createMasker, type Masker } from './internal/mask.js';
import { startProxy } from './proxy.js';
import { createRecorder, recordingObserver, type Recorder } from './record/index.js';
import { formatJUnit, formatProxySummary, formatText, hasViolation, proxyFailed, proxyJUnit } from './report.js';
import { ConnectionError } from './suite.js';
import { runContractTest, UsageError } from './test-command.js';
import { formatWebhookTable, runWebhookTests, webhookJUnit, WebhookTargetError } from './webhooks.js';
import { parseJsonBounded } from '@kallglot/spec/json-limits';

export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the proxy should stop (default: SIGINT or SIGTERM). */
  stopSignal?: Promise<void>;
  /** Called once the proxy listens (tests use it to learn the URL). */
  onProxyReady?: (info: { url: string; streamUrl: string | null }) => void;
}

const USAGE = `Usage: kallglot-contract <command> [options]

Commands:
  test       Run the contract suite against a server (default: a mock it starts itself)
  proxy      Validating proxy for REST and the stream in front of a server
  webhooks   Test your webhook endpoint: signed events must get 2xx, bad deliveries 4xx

test options:
  --base-url URL       REST origin (KALLGLOT_BASE_URL). Without it @kallglot/mock is started (must be installed)
  --stream-url URL     stream origin override (KALLGLOT_STREAM_URL; default: the stream.url the server returns)
  --api-key KEY        API key (KALLGLOT_API_KEY)
  --allow-writes       create and change things on a non-mock target (costs credits on the real API)
  --allow-ws           accept a ws:// stream.url (local server without TLS); always on for a mock
  --session-id ID      read-only runs: also read this existing session (KALLGLOT_SESSION_ID)
  --prefer / --no-prefer   provoke every documented status with Prefer: code=NNN (default: on for a mock)
  --strict             count deviations in inferred parts of the contract as violations
  --only LIST          comma-separated operationIds, "stream", "webhooks" (repeatable)
  --json               print the JSON report instead of text
  --junit FILE         write a JUnit XML report     --out FILE   write the JSON report
  --timeout MS         per request / per stream wait (default 15000)

proxy options:
  --upstream URL (KALLGLOT_BASE_URL)  --stream-upstream URL (KALLGLOT_STREAM_URL)  --port N (default 4020)
  --host H (default 127.0.0.1)  --fail-on-violation  --strict  --allow-ws  --timeout MS (default 30000)
  --max-body BYTES (request, default 1048576)  --max-response-body BYTES (default 8388608)
  --body-timeout MS (request body, default 10000)  --json FILE  --junit FILE (summary written on exit)
  --record FILE        write every REST exchange, stream frame and relayed webhook to a HAR 1.2 cassette on exit
                       (SIGINT/SIGTERM), secrets redacted; replay it with \`kallglot-mock --replay FILE\`
  --record-audio full|hash   keep audio frames (default full) or only their sha256 and length
  --webhook-url URL    relay webhooks: point the API's webhook at <proxy>/_kallglot/webhooks; each delivery is
                       forwarded to URL unchanged (and recorded with --record)

webhooks options:
  --target URL  --secret S (KALLGLOT_WEBHOOK_SECRET)  --timeout MS  --json  --junit FILE

Exit: 0 no violation, 1 violation, 2 usage or connection error.`;

const common: ParseArgsConfig['options'] = { help: { type: 'boolean', short: 'h' }, junit: { type: 'string' }, timeout: { type: 'string' }, strict: { type: 'boolean' } };
const OPTIONS: Record<string, ParseArgsConfig['options']> = {
  test: {
    ...common,
    'base-url': { type: 'string' },
    'stream-url': { type: 'string' },
    'api-key': { type: 'string' },
    'allow-writes': { type: 'boolean' },
    'allow-ws': { type: 'boolean' },
    'session-id': { type: 'string' },
    'session-body': { type: 'string' },
    prefer: { type: 'boolean' },
    'no-prefer': { type: 'boolean' },
    only: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    out: { type: 'string' },
  },
  proxy: {
    ...common,
    upstream: { type: 'string' },
    'stream-upstream': { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'fail-on-violation': { type: 'boolean' },
    'allow-ws': { type: 'boolean' },
    'max-body': { type: 'string' },
    'max-response-body': { type: 'string' },
    'body-timeout': { type: 'string' },
    json: { type: 'string' },
    record: { type: 'string' },
    'record-audio': { type: 'string' },
    'webhook-url': { type: 'string' },
  },
  webhooks: { ...common, target: { type: 'string' }, secret: { type: 'string' }, json: { type: 'boolean' } },
};

const defaultIo: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

export async function main(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env, io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  let mask: Masker = createMasker([]);
  const out = (l: string) => io.out(mask(l));
  const err = (l: string) => io.err(mask(l));
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    out(USAGE);
    return command ? 0 : 2;
  }
  const options = OPTIONS[command];
  if (!options) {
    err(`kallglot-contract: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: rest, options, strict: true, allowPositionals: false }));
  } catch (e) {
    err(`kallglot-contract ${command}: ${(e as Error).message}`);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const r: Run = {
    values,
    env,
    io,
    out,
    err,
    setMask: (secrets) => void (mask = createMasker(secrets)),
    str: (k) => values[k] as string | undefined,
    int: (k, dflt) => {
      const v = values[k] as string | undefined;
      if (v === undefined) return dflt;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${k} must be a non-negative integer, got "${v}"`);
      return n;
    },
    write: (file, text) => {
      mkdirSync(dirname(resolve(file)), { recursive: true });
      writeFileSync(file, mask(text));
    },
  };
  try {
    return await (command === 'test' ? testCommand(r) : command === 'webhooks' ? webhooksCommand(r) : proxyCommand(r));
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConnectionError || e instanceof WebhookTargetError) {
      err(`kallglot-contract ${command}: ${e.message}`);
      return 2;
    }
    err(`kallglot-contract ${command}: ${(e as Error).stack ?? e}`);
    return 2;
  }
}

/** One command's view of the parsed command line, the environment and the (masked) output. */
interface Run {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  env: NodeJS.ProcessEnv;
  io: Io;
  out(line: string): void;
  err(line: string): void;
  /** From now on, output also masks these secrets. */
  setMask(secrets: (string | undefined)[]): void;
  str(k: string): string | undefined;
  int(k: string, dflt?: number): number | undefined;
  write(file: string, text: string): void;
}

async function testCommand(r: Run): Promise<number> {
  const apiKey = r.str('api-key') ?? r.env.KALLGLOT_API_KEY;
  r.setMask([apiKey]);
  let sessionBody;
  const bodyFile = r.str('session-body');
  if (bodyFile) {
    try {
      sessionBody = parseJsonBounded(readFileSync(bodyFile, 'utf8'));
    } catch (e) {
      throw new UsageError(`cannot read --session-body ${bodyFile}: ${(e as Error).message}`);
    }
  }
  const only = ((r.values.only as string[] | undefined) ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const known = new Set(['stream', 'webhooks', ...loadContract().operations.map((op) => op.operationId)]);
  const bad = only.filter((x) => !known.has(x));
  if (bad.length) throw new UsageError(`--only: unknown ${bad.join(', ')} (use operationIds, stream, webhooks)`);
  const report = await runContractTest({
    baseUrl: r.str('base-url') ?? r.env.KALLGLOT_BASE_URL,
    streamUrl: r.str('stream-url') ?? r.env.KALLGLOT_STREAM_URL,
    apiKey,
    allowWrites: !!r.values['allow-writes'],
    allowWs: !!r.values['allow-ws'],
    sessionId: r.str('session-id') ?? r.env.KALLGLOT_SESSION_ID,
    sessionBody,
    prefer: r.values['no-prefer'] ? false : r.values.prefer ? true : undefined,
    strict: !!r.values.strict,
    only,
    timeoutMs: r.int('timeout'),
  });
  r.out(r.values.json ? JSON.stringify(report, null, 2) : formatText(report));
  if (r.str('junit')) r.write(r.str('junit')!, formatJUnit(report));
  if (r.str('out')) r.write(r.str('out')!, JSON.stringify(report, null, 2) + '\n');
  return hasViolation(report) ? 1 : 0;
}

async function webhooksCommand(r: Run): Promise<number> {
  const target = r.str('target');
  const secret = r.str('secret') ?? r.env.KALLGLOT_WEBHOOK_SECRET;
  if (!target || !secret) throw new UsageError('webhooks needs --target URL and --secret S (or KALLGLOT_WEBHOOK_SECRET)');
  r.setMask([secret]);
  try {
    new URL(target);
  } catch {
    throw new UsageError(`--target "${target}" is not a URL`);
  }
  const report = await runWebhookTests({ target, secret, timeoutMs: r.int('timeout') });
  r.out(r.values.json ? JSON.stringify(report, null, 2) : formatWebhookTable(report));
  if (r.str('junit')) r.write(r.str('junit')!, webhookJUnit(report));
  return report.summary.failed > 0 ? 1 : 0;
}

async function proxyCommand(r: Run): Promise<number> {
  const upstream = r.str('upstream') ?? r.env.KALLGLOT_BASE_URL;
  if (!upstream) throw new UsageError('proxy needs --upstream URL');
  for (const [k, v] of [['upstream', upstream], ['stream-upstream', r.str('stream-upstream')]] as const) {
    if (v === undefined) continue;
    try {
      new URL(v);
    } catch {
      throw new UsageError(`--${k} "${v}" is not a URL`);
    }
  }
  const strict = !!r.values.strict;
  const recorder = recorderFor(r, upstream);
  const webhookUrl = r.str('webhook-url');
  if (webhookUrl !== undefined && !/^https?:\/\//.test(webhookUrl)) throw new UsageError(`--webhook-url "${webhookUrl}" must be an http(s) URL`);
  const proxy = await startProxy({
    observer: recorder && recordingObserver(recorder),
    webhookUrl,
    upstream,
    streamUpstream: r.str('stream-upstream') ?? r.env.KALLGLOT_STREAM_URL,
    host: r.str('host') ?? '127.0.0.1',
    port: r.int('port', 4020),
    failOnViolation: !!r.values['fail-on-violation'],
    strict,
    allowWs: !!r.values['allow-ws'],
    maxRequestBytes: r.int('max-body'),
    maxResponseBytes: r.int('max-response-body'),
    bodyTimeoutMs: r.int('body-timeout'),
    timeoutMs: r.int('timeout'),
    log: r.err,
  }).catch((e: Error & { code?: string }) => {
    throw e.code === 'EADDRINUSE' || e.code === 'EACCES' ? new UsageError(`cannot listen: ${e.message}`) : e;
  });
  r.out(`kallglot-contract proxy listening on ${proxy.url}${proxy.streamUrl ? ` (stream ${proxy.streamUrl})` : ''} → ${upstream}`);
  if (proxy.webhookRelayUrl) r.out(`webhooks: have the API post to ${proxy.webhookRelayUrl}; deliveries are forwarded to ${webhookUrl}`);
  r.io.onProxyReady?.({ url: proxy.url, streamUrl: proxy.streamUrl });
  await (r.io.stopSignal ?? signal());
  const summary = await proxy.close();
  if (recorder) {
    await recorder.write(r.str('record')!);
    r.out(`cassette written to ${r.str('record')} (${recorder.toHar().log.entries.length} entries)`);
  }
  r.out(formatProxySummary(summary));
  if (r.str('json')) r.write(r.str('json')!, JSON.stringify(summary, null, 2) + '\n');
  if (r.str('junit')) r.write(r.str('junit')!, proxyJUnit(summary, strict));
  return proxyFailed(summary, strict) ? 1 : 0;
}

/** `--record FILE [--record-audio full|hash]`: a recorder that redacts the key and webhook secret of this run. */
function recorderFor(r: Run, upstream: string): Recorder | undefined {
  const file = r.str('record');
  const audio = r.str('record-audio') ?? 'full';
  if (audio !== 'full' && audio !== 'hash') throw new UsageError(`--record-audio must be full or hash, got "${audio}"`);
  if (!file) {
    if (r.str('record-audio')) throw new UsageError('--record-audio needs --record FILE');
    return undefined;
  }
  return createRecorder({ audio, apiKeys: [r.env.KALLGLOT_API_KEY], webhookSecrets: [r.env.KALLGLOT_WEBHOOK_SECRET], baseUrl: upstream, creator: { name: 'kallglot-contract', version: '1.0.0' } });
}

function signal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
