// The breaking-change gate: compares a head contract (OpenAPI + AsyncAPI) with the baseline and lists
// every change a client of the baseline would notice. CLI: `npx tsx test/gates/gate.ts [--json]`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncapiPath, baselineDir, openapiPath } from '../helpers/paths.ts';
import { diffAsyncApi } from './internal/asyncapi-diff.ts';
import { type Change, diffOpenApi } from './internal/openapi-diff.ts';

export type { Change };
export interface GateResult {
  openapi: Change[];
  asyncapi: Change[];
  breaking: Change[];
}

export async function runGate(base: { openapi: any; asyncapi: any }, head: { openapi: any; asyncapi: any }): Promise<GateResult> {
  const openapi = diffOpenApi(base.openapi, head.openapi);
  const asyncapi = await diffAsyncApi(base.asyncapi, head.asyncapi);
  return { openapi, asyncapi, breaking: [...openapi, ...asyncapi].filter((c) => c.breaking) };
}

export function loadJson(path: string) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function loadBaseline() {
  return { openapi: loadJson(join(baselineDir, 'openapi.json')), asyncapi: loadJson(join(baselineDir, 'asyncapi.json')) };
}

export function loadCurrent() {
  return { openapi: loadJson(openapiPath), asyncapi: loadJson(asyncapiPath) };
}

export function formatReport(r: GateResult): string {
  const lines: string[] = [];
  const section = (title: string, list: Change[]) => {
    lines.push(`${title}: ${list.filter((c) => c.breaking).length} breaking, ${list.filter((c) => !c.breaking).length} other`);
    // One shared schema change shows up under every operation that uses it: group by rule + field + message.
    const groups = new Map<string, Change[]>();
    for (const c of list) {
      const field = c.location.replace(/^.*?(body|header \S+|query:\S+|path:\S+|header:\S+)/, '$1');
      const k = `${c.breaking}|${c.rule}|${field}|${c.message}`;
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push(c);
    }
    for (const g of groups.values()) {
      const c = g[0]!;
      const more = g.length > 1 ? ` (+${g.length - 1} more: ${g.slice(1, 4).map((x) => x.location).join('; ')}${g.length > 4 ? '; …' : ''})` : '';
      lines.push(`  ${c.breaking ? 'BREAKING' : 'ok      '} [${c.rule}] ${c.location}: ${c.message}${more}`);
    }
  };
  section('OpenAPI', r.openapi);
  section('AsyncAPI', r.asyncapi);
  lines.push(r.breaking.length ? `FAIL: ${r.breaking.length} breaking change(s) against test/baseline` : 'PASS: no breaking change against test/baseline');
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('gate.ts')) {
  const r = await runGate(loadBaseline(), loadCurrent());
  console.log(process.argv.includes('--json') ? JSON.stringify(r, null, 2) : formatReport(r));
  process.exit(r.breaking.length ? 1 : 0);
}
