// Runs the Spectral CLI the way CI and users do, and returns its results as JSON.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const specDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const spectralBin = join(dirname(createRequire(import.meta.url).resolve('@stoplight/spectral-cli/package.json')), 'dist/index.js');

export interface SpectralResult { code: string; message: string; path: string[]; severity: number; source: string }

/** Lints `files` (relative to spec/) with `ruleset`; `--fail-severity=hint` so the exit status counts every problem. */
export function spectral(files: string[], ruleset: string): { results: SpectralResult[]; status: number | null; stderr: string } {
  // JSON goes to a file: on stdout Spectral appends a "No results" line to it.
  const dir = mkdtempSync(join(tmpdir(), 'kallglot-spectral-'));
  try {
    const out = join(dir, 'results.json');
    const run = spawnSync(
      process.execPath,
      [spectralBin, 'lint', ...files, '--ruleset', ruleset, '-f', 'json', '-o', out, '--fail-severity=hint'],
      { cwd: specDir, encoding: 'utf8' },
    );
    if (run.status !== 0 && run.status !== 1) throw new Error(`spectral failed (status ${run.status}): ${run.stderr}${run.stdout}`);
    return { results: JSON.parse(readFileSync(out, 'utf8')), status: run.status, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
