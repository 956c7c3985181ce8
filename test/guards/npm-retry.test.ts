// The shared retry for registry installs in tests: real child processes that fail like npm does on a busy
// machine (TLS error text, a reset, a kill by the time limit) are retried and logged; a real failure is not.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { retryNpm, spawnSyncRetry, transientReason } from '../helpers/npm-retry.ts';

const dir = mkdtempSync(join(tmpdir(), 'npm-retry-'));
/** A script that fails `failures` times (printing `text` and exiting `exit`), then prints "installed". */
function flaky(name: string, failures: number, text: string, exit = 1): string[] {
  const counter = join(dir, `${name}.count`);
  writeFileSync(counter, '0');
  const script = join(dir, `${name}.cjs`);
  writeFileSync(
    script,
    `const fs=require('fs');const n=+fs.readFileSync(${JSON.stringify(counter)},'utf8');fs.writeFileSync(${JSON.stringify(counter)},String(n+1));` +
      `if(n<${failures}){console.error(${JSON.stringify(text)});process.exit(${exit})}console.log('installed')`,
  );
  return [script];
}
const run = (args: string[]) =>
  new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });

describe('retryNpm', () => {
  it('retries a TLS failure from the registry, logging each retry, until the install succeeds', async () => {
    const lines: string[] = [];
    const args = flaky('tls', 2, 'npm error code SELF_SIGNED_CERT_IN_CHAIN\nnpm error errno SELF_SIGNED_CERT_IN_CHAIN');
    const r = await retryNpm('npm install', () => run(args), { baseDelayMs: 1, log: (l) => lines.push(l) });
    expect(r.code).toBe(0);
    expect(r.out).toContain('installed');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/npm install: attempt 1\/4 failed \(SELF_SIGNED_CERT_IN_CHAIN\); retrying in 1 ms/);
    expect(lines[1]).toMatch(/attempt 2\/4 .*retrying in 2 ms/);
  });

  it('retries a process killed by its time limit (code null)', async () => {
    const lines: string[] = [];
    let n = 0;
    const r = await retryNpm('npm install', async () => (++n === 1 ? { code: null, out: '', err: '' } : run(flaky('ok', 0, ''))), { baseDelayMs: 1, log: (l) => lines.push(l) });
    expect(r.code).toBe(0);
    expect(lines[0]).toContain('killed');
  });

  it('does not retry a real failure, and gives up after the last try', async () => {
    const lines: string[] = [];
    const real = await retryNpm('npm install', () => run(flaky('e404', 5, 'npm error code E404\nnpm error 404 Not Found - GET http://127.0.0.1/@kallglot%2fnope')), { baseDelayMs: 1, log: (l) => lines.push(l) });
    expect(real.code).toBe(1);
    expect(lines).toEqual([]);
    const reset = await retryNpm('npm ci', () => run(flaky('reset', 9, 'npm error code ECONNRESET')), { tries: 3, baseDelayMs: 1, log: (l) => lines.push(l) });
    expect(reset.code).toBe(1);
    expect(lines).toHaveLength(2);
  });

  it('spawnSyncRetry does the same for synchronous spawns', () => {
    const lines: string[] = [];
    const r = spawnSyncRetry(process.execPath, flaky('sync', 1, 'npm error code ETIMEDOUT'), {}, { baseDelayMs: 1, log: (l) => lines.push(l) });
    expect(r.status).toBe(0);
    expect(lines).toHaveLength(1);
  });

  it('classifies 5xx answers as transient and usage errors as not', () => {
    expect(transientReason({ status: 1, out: 'npm error code E503\nnpm error 503 Service Unavailable' })).toBeTruthy();
    expect(transientReason({ status: 1, out: 'npm error code ERESOLVE' })).toBeUndefined();
    expect(transientReason({ status: 0, out: 'ECONNRESET (recovered)' })).toBeUndefined();
  });
});
