// One retry policy for every install from a registry that a test spawns (npm install, npm ci, npx -p):
// a transient failure (a TLS hiccup such as SELF_SIGNED_CERT_IN_CHAIN on a cold cache, a reset or timed-out
// socket, a 5xx from the registry, a process killed by its time limit) is retried with exponential backoff, and
// every retry is logged with its reason. Anything else fails at once with the command's own output.
// Used by test/release/* and packages/contract/test/pack.test.ts.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

/** What a spawned command gave back: `status` (spawnSync style) or `code` (child 'close' style), and its text. */
export type CommandResult = { status?: number | null; code?: number | null; signal?: NodeJS.Signals | null; out?: string; err?: string; stdout?: string; stderr?: string };

export interface RetryOptions {
  /** Attempts in all (default 4). */
  tries?: number;
  /** Wait before the 2nd attempt; doubles each time (default 2000 ms). */
  baseDelayMs?: number;
  /** Where retries are reported (default stderr). */
  log?: (line: string) => void;
}

/** Output that marks a failure as the network's or the registry's, not the command's. */
export const TRANSIENT =
  /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|CERT_HAS_EXPIRED|ERR_SSL_|ECONNRESET|ETIMEDOUT|ESOCKETTIMEDOUT|ERR_SOCKET_TIMEOUT|EAI_AGAIN|EPIPE|socket hang up|network timeout|request to \S+ failed|code E5\d\d|\b50[0234] (?:Internal|Bad Gateway|Service Unavailable|Gateway Timeout)/i;

const exitOf = (r: CommandResult) => (r.status !== undefined ? r.status : r.code);
const textOf = (r: CommandResult) => [r.out, r.err, r.stdout, r.stderr].filter((s) => typeof s === 'string').join('\n');

/** Why `r` is worth another try, or undefined when it succeeded or failed for good. */
export function transientReason(r: CommandResult): string | undefined {
  const exit = exitOf(r);
  if (exit === 0) return undefined;
  if (exit === null || exit === undefined) return `killed (${r.signal ?? 'time limit'})`;
  const m = TRANSIENT.exec(textOf(r));
  return m ? m[0] : undefined;
}

const delayFor = (attempt: number, base: number) => base * 2 ** (attempt - 1);
const defaultLog = (line: string) => process.stderr.write(`${line}\n`);

/** Runs `attempt` until it succeeds, fails for a non-transient reason, or the tries are used up. */
export async function retryNpm<T extends CommandResult>(label: string, attempt: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const tries = opts.tries ?? 4;
  const log = opts.log ?? defaultLog;
  for (let n = 1; ; n++) {
    const r = await attempt();
    const reason = transientReason(r);
    if (!reason || n >= tries) return r;
    const wait = delayFor(n, opts.baseDelayMs ?? 2000);
    log(`[npm-retry] ${label}: attempt ${n}/${tries} failed (${reason}); retrying in ${wait} ms`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** The same for a synchronous spawn (spawnSync); the backoff blocks this thread, as spawnSync itself does. */
export function retryNpmSync<T extends CommandResult>(label: string, attempt: () => T, opts: RetryOptions = {}): T {
  const tries = opts.tries ?? 4;
  const log = opts.log ?? defaultLog;
  for (let n = 1; ; n++) {
    const r = attempt();
    const reason = transientReason(r);
    if (!reason || n >= tries) return r;
    const wait = delayFor(n, opts.baseDelayMs ?? 2000);
    log(`[npm-retry] ${label}: attempt ${n}/${tries} failed (${reason}); retrying in ${wait} ms`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
  }
}

/** spawnSync with the retry policy (encoding utf8). */
export function spawnSyncRetry(cmd: string, args: string[], options: Parameters<typeof spawnSync>[2] = {}, retry: RetryOptions = {}): SpawnSyncReturns<string> {
  return retryNpmSync(`${cmd} ${args.join(' ')}`, () => spawnSync(cmd, args, { ...options, encoding: 'utf8' }) as SpawnSyncReturns<string>, retry);
}
