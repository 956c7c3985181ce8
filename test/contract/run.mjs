#!/usr/bin/env node
// Kallglot contract suite CLI: point it at any Kallglot-compatible server, or let it start the mock.
//
//   node test/contract/run.mjs                                   # starts @kallglot/mock on free ports
//   node test/contract/run.mjs --base-url https://api.kallglot.com --api-key sk_test_…
//   KALLGLOT_BASE_URL=http://127.0.0.1:4010 KALLGLOT_API_KEY=sk_test_x node test/contract/run.mjs
//
// Flags (each also an env variable): --base-url (KALLGLOT_BASE_URL), --stream-url (KALLGLOT_STREAM_URL,
// default: the stream.url the server returns), --api-key (KALLGLOT_API_KEY), --out DIR
// (KALLGLOT_CONTRACT_OUT, default test-output/contract), --prefer / --no-prefer (KALLGLOT_CONTRACT_PREFER;
// default on for the built-in mock, off elsewhere), --session-body FILE (KALLGLOT_CONTRACT_SESSION_BODY,
// JSON for createSession; default the spec's example), --allow-ws (KALLGLOT_CONTRACT_ALLOW_WS=1: accept a
// ws:// stream.url from a local server without TLS; always on for the built-in mock), --json (print the
// JSON report instead of text), --arazzo / --no-arazzo (run arazzo/*.arazzo.yaml with `redocly respect`;
// default on for the built-in mock).
// Exit code: 0 when every check passed, 1 when one failed, 2 on a usage or startup error.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatText, writeReports } from './lib/report.mjs';
import { addArazzoChecks, runArazzo } from './lib/arazzo.mjs';
import { loadContract } from './lib/spec.mjs';
import { runContractSuite } from './lib/suite.mjs';
import { addWebhookChecks, startReceiver } from './lib/webhooks.mjs';

const here = dirname(fileURLToPath(import.meta.url));

export async function main(argv = process.argv.slice(2), env = process.env) {
  let args;
  try {
    ({ values: args } = parseArgs({
      args: argv,
      options: {
        'base-url': { type: 'string' },
        'stream-url': { type: 'string' },
        'api-key': { type: 'string' },
        out: { type: 'string' },
        prefer: { type: 'boolean' },
        'no-prefer': { type: 'boolean' },
        'session-body': { type: 'string' },
        json: { type: 'boolean' },
        'allow-ws': { type: 'boolean' },
        arazzo: { type: 'boolean' },
        'no-arazzo': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(`contract: ${e.message}`);
    return 2;
  }
  if (args.help) {
    console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
    return 0;
  }
  let baseUrl = args['base-url'] ?? env.KALLGLOT_BASE_URL;
  const streamUrl = args['stream-url'] ?? env.KALLGLOT_STREAM_URL;
  const apiKey = args['api-key'] ?? env.KALLGLOT_API_KEY;
  const out = resolve(args.out ?? env.KALLGLOT_CONTRACT_OUT ?? join(here, '..', 'test-output', 'contract'));
  const envPrefer = env.KALLGLOT_CONTRACT_PREFER;
  let prefer = args['no-prefer'] ? false : args.prefer ? true : envPrefer ? envPrefer !== '0' && envPrefer !== 'false' : undefined;
  let sessionBody;
  const bodyFile = args['session-body'] ?? env.KALLGLOT_CONTRACT_SESSION_BODY;
  if (bodyFile) {
    try {
      sessionBody = JSON.parse(readFileSync(bodyFile, 'utf8'));
    } catch (e) {
      console.error(`contract: cannot read --session-body ${bodyFile}: ${e.message}`);
      return 2;
    }
  }
  if (baseUrl) {
    try {
      new URL(baseUrl);
    } catch {
      console.error(`contract: --base-url "${baseUrl}" is not a URL`);
      return 2;
    }
  }

  let mock;
  let receiver;
  const webhookSecret = 'whsec_contract_suite';
  if (!baseUrl) {
    try {
      const { startMock } = await import('@kallglot/mock');
      // The mock delivers lifecycle webhooks (session.created/started/ended) to our receiver.
      receiver = await startReceiver();
      mock = await startMock({ host: '127.0.0.1', restPort: 0, streamPort: 0, docsDir: false, log: () => {}, webhookUrl: receiver.url, webhookSecret });
    } catch (e) {
      console.error(`contract: could not start @kallglot/mock (build it first: npx turbo run build --filter=@kallglot/mock...): ${e.message}`);
      return 2;
    }
    baseUrl = mock.urls.rest;
    prefer ??= true; // the mock documents `Prefer: code=NNN`
  }
  // The local mock has no TLS, so the stream URLs it hands out are ws://127.0.0.1…, while the spec documents
  // wss:// only. This one deviation is waived for the built-in mock (it is reported, not hidden).
  // --allow-ws extends the same waiver to any target (a local server without TLS).
  const allowWs = args['allow-ws'] || ['1', 'true'].includes(env.KALLGLOT_CONTRACT_ALLOW_WS ?? '');
  const waivers = mock || allowWs
    ? [{ reason: 'local target serves the stream over ws:// (no TLS)', instancePath: /^\/stream\/url$/, keyword: 'pattern', value: mock ? /^ws:\/\/127\.0\.0\.1:\d+\/v1\/sessions\/[^/]+\/connect$/ : /^ws:\/\/[^?#]+\/v1\/sessions\/[^/]+\/connect$/ }]
    : [];
  try {
    const report = await runContractSuite({ baseUrl, streamUrl, apiKey, prefer: prefer ?? false, sessionBody, waivers });
    // Arazzo workflows (create → get → end → transcript) through `redocly respect`: on by default for the
    // built-in mock, opt-in elsewhere (--arazzo) because they create and end a real session.
    const arazzo = args['no-arazzo'] ? false : (args.arazzo ?? !!mock);
    if (arazzo) addArazzoChecks(report, await runArazzo({ baseUrl, apiKey: apiKey ?? 'sk_test_contract_suite', allowWs: !!mock || allowWs }));
    if (receiver) {
      await Promise.allSettled(mock.webhookResults);
      await addWebhookChecks(report, loadContract(), receiver.deliveries, webhookSecret);
    }
    const files = writeReports(report, out);
    console.log(args.json ? JSON.stringify(report, null, 2) : formatText(report));
    if (!args.json) console.log(`\nreports: ${files.text}, ${files.json}, ${files.junit}`);
    return report.summary.failed === 0 ? 0 : 1;
  } finally {
    await mock?.close();
    await receiver?.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
