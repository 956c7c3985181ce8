// Runs the Arazzo workflows (arazzo/*.arazzo.yaml) with `redocly respect` against a server and folds the
// result into a contract report as checks. Respect validates each step's status, content type and schema
// against the OpenAPI document itself; our Ajv checks stay the authoritative ones.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSpecPaths } from '@kallglot/contract';

const here = dirname(fileURLToPath(import.meta.url));
const arazzoDir = join(here, '..', 'arazzo');

/**
 * @param {{ baseUrl: string, apiKey: string, allowWs?: boolean, openapiPath?: string }} o
 * allowWs: the local mock has no TLS, so its stream.url is ws://; respect has no waiver mechanism, so the
 * workflows then run against a copy of the spec whose stream URL pattern also accepts ws:// (nothing else changes).
 */
export async function runArazzo(o) {
  const work = mkdtempSync(join(tmpdir(), 'kallglot-arazzo-'));
  try {
    const spec = JSON.parse(readFileSync(o.openapiPath ?? defaultSpecPaths().openapi, 'utf8'));
    if (o.allowWs) relaxWs(spec);
    writeFileSync(join(work, 'openapi.json'), JSON.stringify(spec));
    const files = readdirSync(arazzoDir).filter((f) => f.endsWith('.arazzo.yaml'));
    const results = [];
    for (const f of files) {
      const text = readFileSync(join(arazzoDir, f), 'utf8').replace(/url: \.\.\/\.\.\/\.\.\/packages\/spec\/dist\/openapi\.json/, 'url: ./openapi.json');
      writeFileSync(join(work, f), text);
      const jsonOut = join(work, `${f}.json`);
      const args = ['redocly', 'respect', join(work, f), '--input', `apiKey=${o.apiKey}`, '--input', `idempotencyKey=${randomUUID()}`, '--server', `kallglot=${o.baseUrl}`, '--json-output', jsonOut];
      const { code, output } = await run('npx', args);
      let steps = [];
      try {
        const j = JSON.parse(readFileSync(jsonOut, 'utf8'));
        for (const file of Object.values(j.files ?? {})) {
          for (const wf of file.executedWorkflows ?? []) {
            for (const st of wf.executedSteps ?? []) {
              const failed = (st.checks ?? []).filter((c) => !c.passed);
              steps.push({ workflow: wf.workflowId, step: st.stepId, ok: failed.length === 0 && (st.checks ?? []).length > 0, failed: failed.map((c) => `${c.name}: ${c.message ?? ''}`.trim()) });
            }
          }
        }
      } catch {
        steps = [];
      }
      results.push({ file: f, exitCode: code, steps, output: tail(output) });
    }
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Adds one check per executed Arazzo step (and one per file for the run itself) to a report. */
export function addArazzoChecks(report, results) {
  for (const r of results) {
    const group = `Arazzo ${r.file}`;
    const push = (name, ok, message) => report.checks.push({ id: report.checks.length + 1, group, name, status: ok ? 'pass' : 'fail', ok, message: ok ? '' : message });
    push(`redocly respect ${r.file} exits 0`, r.exitCode === 0, `exit ${r.exitCode}: ${r.output}`);
    for (const s of r.steps) push(`${s.workflow}/${s.step}`, s.ok, s.failed.join('; ') || 'no check ran');
  }
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const inferred = report.checks.filter((c) => c.status === 'inferred').length;
  report.summary = { ...report.summary, checks: report.checks.length, passed: report.checks.length - failed - inferred, failed };
  report.arazzo = results.map((r) => `${r.file}: ${r.steps.filter((s) => s.ok).length}/${r.steps.length} steps passed (redocly respect exit ${r.exitCode})`).join('; ');
}

function relaxWs(node) {
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'pattern' && typeof v === 'string' && v.startsWith('^wss://')) node[k] = `^wss?://${v.slice('^wss://'.length)}`;
    else relaxWs(v);
  }
}

function run(cmd, args) {
  return new Promise((resolve) => {
    // async spawn: the mock may live in this very process and must keep answering
    const child = spawn(cmd, args, { env: { ...process.env, REDOCLY_TELEMETRY: 'off', NO_COLOR: '1', FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (e) => resolve({ code: -1, output: String(e) }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

const tail = (s) => s.replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n').slice(-15).join('\n');

