#!/usr/bin/env node
// The monorepo's contract run: `kallglot-contract test` from @kallglot/contract (all its flags apply), plus
// the Arazzo workflows (arazzo/*.arazzo.yaml through `redocly respect`) with --arazzo, which need a target.
//
//   node test/contract/run.mjs                                   # the tool starts @kallglot/mock itself
//   node test/contract/run.mjs --base-url https://api.kallglot.com --api-key sk_test_…
//   node test/contract/run.mjs --base-url http://127.0.0.1:4010 --allow-writes --arazzo
//
// Exit code: 0 when every check passed, 1 when one failed, 2 on a usage or connection error.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main as contract } from '@kallglot/contract';
import { addArazzoChecks, runArazzo } from './lib/arazzo.mjs';

export async function main(argv = process.argv.slice(2), env = process.env) {
  const arazzo = argv.includes('--arazzo');
  const args = argv.filter((a) => a !== '--arazzo');
  const code = await contract(['test', ...args], env);
  if (!arazzo || code === 2) return code;
  const at = args.indexOf('--base-url');
  const baseUrl = at >= 0 ? args[at + 1] : env.KALLGLOT_BASE_URL;
  if (!baseUrl) {
    console.error('contract: --arazzo needs --base-url (or KALLGLOT_BASE_URL)');
    return 2;
  }
  const k = args.indexOf('--api-key');
  const report = { checks: [], summary: {} };
  addArazzoChecks(report, await runArazzo({ baseUrl, apiKey: k >= 0 ? args[k + 1] : (env.KALLGLOT_API_KEY ?? 'sk_test_contract_suite') }));
  console.log(`Arazzo workflows: ${report.arazzo}`);
  return report.summary.failed === 0 ? code : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
