#!/usr/bin/env node
// `npm run bench`: builds everything, runs every benchmark in the repo one after another with plain node,
// and prints ONE table (also written to bench/results.md). Never a CI test: a goal that does not hold is
// reported, not failed, and a bench that crashes becomes a row with its error instead of aborting the run.
//
// A benchmark is `packages/*/bench/*.bench.mjs` or `docs/bench/*.bench.mjs`. When BENCH_OUT is set it writes a
// JSON array of rows: { metric, ours, reference, unit, ratio, goal, holds } (see CONTRIBUTING.md).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// BENCH_ROOT lets the runner's own test point it at a fixture tree.
const root = process.env.BENCH_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const skipBuild = args.includes('--no-build');
const filter = args.find((a) => !a.startsWith('--')); // optional substring of the bench path
const timeoutMs = Number(process.env.BENCH_TIMEOUT_MS ?? 15 * 60_000);
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', REDOCLY_TELEMETRY: 'off' };

export function findBenches(base = root) {
  const dirs = [];
  const pkgs = join(base, 'packages');
  if (existsSync(pkgs)) {
    for (const p of readdirSync(pkgs).sort()) dirs.push(join(pkgs, p, 'bench'));
  }
  dirs.push(join(base, 'docs', 'bench'));
  const files = [];
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).sort()) if (f.endsWith('.bench.mjs')) files.push(join(d, f));
  }
  return files;
}

/** Turns whatever a bench wrote into table rows; anything malformed becomes an error row, never a throw. */
export function rowsFromOutput(source, text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return [{ source, error: `BENCH_OUT is not JSON: ${err.message}` }];
  }
  if (!Array.isArray(data)) return [{ source, error: 'BENCH_OUT is not a JSON array' }];
  if (data.length === 0) return [{ source, error: 'BENCH_OUT is an empty array' }];
  return data.map((r, i) => {
    if (!r || typeof r !== 'object' || typeof r.metric !== 'string') {
      return { source, error: `row ${i} has no string "metric"` };
    }
    return {
      source,
      metric: r.metric,
      ours: r.ours,
      reference: r.reference,
      unit: r.unit ?? '',
      ratio: r.ratio,
      goal: r.goal ?? '',
      holds: r.holds,
    };
  });
}

function fmt(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return n === undefined || n === null ? '–' : String(n);
  const a = Math.abs(n);
  if (Number.isInteger(n)) return String(n);
  if (a < 1e-3) return n.toExponential(2);
  return n.toFixed(a >= 100 ? 1 : 3);
}

export function renderTable(rows) {
  const header = ['metric', 'ours', 'reference', 'ratio', 'goal', 'holds', 'bench'];
  const body = rows.map((r) =>
    r.error
      ? [`ERROR: ${r.error.replace(/\s+/g, ' ').slice(0, 300)}`, '–', '–', '–', '–', 'error', r.source]
      : [
          r.metric,
          `${fmt(r.ours)}${r.unit ? ` ${r.unit}` : ''}`,
          `${fmt(r.reference)}${r.unit ? ` ${r.unit}` : ''}`,
          fmt(r.ratio),
          r.goal || '–',
          r.holds === true ? 'yes' : r.holds === false ? 'NO' : '–',
          r.source,
        ],
  );
  const esc = (c) => String(c).replace(/\|/g, '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...body.map((cells) => `| ${cells.map(esc).join(' | ')} |`),
  ].join('\n');
}

function runBench(file, outDir) {
  const source = relative(root, file);
  const out = join(outDir, `${source.replace(/[^\w.-]+/g, '_')}.json`);
  console.log(`\n== ${source}`);
  const started = Date.now();
  const res = spawnSync(process.execPath, [file], {
    cwd: dirname(dirname(file)), // the package dir, like `npm run` would
    env: { ...env, BENCH_OUT: out },
    stdio: ['ignore', 'inherit', 'pipe'],
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  const stderr = res.stderr?.toString() ?? '';
  if (stderr) process.stderr.write(stderr);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`== ${source}: exit ${res.status ?? res.signal} after ${secs}s`);
  if (res.error) return [{ source, error: `${res.error.code ?? ''} ${res.error.message}`.trim() }];
  if (res.status !== 0) {
    // The thrown error's own line says more than the stack frames or the "Node.js vX" trailer.
    const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at ') && !/^Node\.js v/.test(l));
    const last = lines.find((l) => /\b\w*Error\b/.test(l)) ?? lines.slice(-2).join(' / ');
    const rows = existsSync(out) ? rowsFromOutput(source, readFileSync(out, 'utf8')) : [];
    // Rows written before the crash are still worth showing; the crash is one more row.
    return [
      ...rows.filter((r) => !r.error),
      { source, error: `exit ${res.status ?? res.signal}${last ? `: ${last}` : ''}` },
    ];
  }
  if (!existsSync(out)) return [{ source, error: 'exited 0 but wrote nothing to BENCH_OUT' }];
  return rowsFromOutput(source, readFileSync(out, 'utf8'));
}

/** "load 0.42 on 2 CPUs": how quiet the machine was (a busy machine's ratios are noisier; see README). */
const machineLoad = () => `load average ${loadavg()[0].toFixed(2)} on ${cpus().length} CPUs`;

function main() {
  const startedAt = Date.now();
  const loadBefore = machineLoad();
  let buildNote = '';
  if (!skipBuild) {
    console.log('== npx turbo run build');
    const b = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], {
      cwd: root,
      env,
      stdio: 'inherit',
    });
    if (b.status !== 0) {
      buildNote = `turbo run build exited ${b.status ?? b.signal}: some benches may fail or measure stale builds.`;
      console.warn(`warning: ${buildNote}`);
    }
  }
  const benches = findBenches().filter((f) => !filter || relative(root, f).includes(filter));
  const outDir = mkdtempSync(join(tmpdir(), 'kallglot-bench-'));
  const rows = [];
  try {
    for (const f of benches) rows.push(...runBench(f, outDir));
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  if (benches.length === 0) rows.push({ source: '–', error: 'no benchmark found (packages/*/bench, docs/bench)' });

  const table = renderTable(rows);
  const held = rows.filter((r) => r.holds === true).length;
  const notHeld = rows.filter((r) => r.holds === false).length;
  const errors = rows.filter((r) => r.error).length;
  const summary = `${held} goals hold, ${notHeld} do not, ${errors} errors (${benches.length} bench files)`;
  const md = [
    '# Benchmark results',
    '',
    `Generated by \`npm run bench\` on ${new Date().toISOString()} — Node ${process.version}, ` +
      `${process.platform}/${process.arch}, ${loadBefore} at the start and ${machineLoad()} at the end, ` +
      `${Math.round((Date.now() - startedAt) / 60_000)} min. "ratio" is ours ÷ reference unless the goal states otherwise.`,
    buildNote ? `\n> ${buildNote}\n` : '',
    table,
    '',
    summary,
    '',
  ].join('\n');
  // The committed table is a whole run's: a run of some benches only prints.
  if (filter) return console.log(`\n${table}\n\n${summary}\nnot written to bench/results.md: only benches matching "${filter}" ran`);
  mkdirSync(join(root, 'bench'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results.md'), md);
  console.log(`\n${table}\n\n${summary}\nwritten to bench/results.md`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
