// Runs the real Prism CLI (`prism mock`) on an internal loopback port. Our front server talks to it.
// Prism is supervised: a start timeout, a periodic health probe, restart with backoff when it dies or stops
// answering, and a watchdog preloaded into the child so it exits when we do (even after a SIGKILL of the parent).
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { Agent, createServer, request, type IncomingHttpHeaders } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** Preloaded into Prism (`--require`): exits when our end of its stdin pipe closes or it is re-parented. */
export const PRISM_WATCHDOG = fileURLToPath(new URL('../../bin/prism-watchdog.cjs', import.meta.url));

export interface PrismProcess {
  port: number;
  host: string;
  child: ChildProcess;
  close(): Promise<void>;
  /** Last lines Prism wrote to stderr/stdout: used in error messages only, never sent to API users. */
  logTail(): string;
}

export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function prismBin(): string {
  const pkgPath = require.resolve('@stoplight/prism-cli/package.json');
  const pkg = require(pkgPath) as { bin: string | Record<string, string> };
  const rel = typeof pkg.bin === 'string' ? pkg.bin : (pkg.bin.prism ?? Object.values(pkg.bin)[0]!);
  return join(dirname(pkgPath), rel);
}

/** True when something answers HTTP on host:port within timeoutMs (any status). */
export async function probe(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return (await probeState(host, port, timeoutMs)) === 'up';
}

/** `up` (answered), `refused` (nothing listens: the process is gone or going), or `silent` (no answer in time). */
export function probeState(host: string, port: number, timeoutMs = 1000): Promise<'up' | 'refused' | 'silent'> {
  return new Promise((resolve) => {
    // A fresh connection (no agent): a wedged keep-alive pool must not make a live Prism look dead, or vice versa.
    const req = request({ host, port, path: '/__kallglot_mock_probe', method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve('up');
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' ? 'refused' : 'silent'));
    req.on('timeout', () => {
      resolve('silent');
      req.destroy();
    });
    req.end();
  });
}

export interface StartPrismOptions {
  specPath: string;
  host?: string;
  port?: number;
  verbose?: 'warn' | 'error' | 'info' | 'debug' | 'silent';
  dynamic?: boolean;
  startTimeoutMs?: number;
}

// Children still running, killed synchronously if this process exits without closing them.
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess) {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
  running.add(child);
  child.once('exit', () => running.delete(child));
}

export async function startPrism(opts: StartPrismOptions): Promise<PrismProcess> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? (await freePort(host));
  // Never -m (multiprocess crashes on `isPrimary`) and never NODE_ENV=production (same crash).
  const args = ['--require', PRISM_WATCHDOG, prismBin(), 'mock', opts.specPath, '-h', host, '-p', String(port), '-v', opts.verbose ?? 'warn', '--errors'];
  if (opts.dynamic) args.push('-d');
  const env = { ...process.env };
  if (env.NODE_ENV === 'production') delete env.NODE_ENV;
  // stdin is a pipe we never write to: the watchdog in the child exits when it reaches end-of-file.
  const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  trackChild(child);
  child.stdin?.on('error', () => undefined);
  const tail: string[] = [];
  const keep = (buf: Buffer) => {
    for (const line of buf.toString('utf8').split('\n')) if (line.trim()) tail.push(line.slice(0, 500));
    if (tail.length > 40) tail.splice(0, tail.length - 40);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  child.on('error', (e) => tail.push(`spawn error: ${e.message}`));

  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  while (!(await probe(host, port))) {
    if (exited) throw new Error(`Prism exited during start-up:\n${tail.join('\n')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exitPromise;
      throw new Error(`Prism did not start within ${timeoutMs} ms:\n${tail.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    host,
    child,
    logTail: () => tail.join('\n'),
    async close() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly code: 'timeout' | 'too_big' | 'unreachable',
  ) {
    super(message);
  }
}

export interface ForwardRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

export interface ForwardOptions {
  /** Whole-exchange deadline, queueing for a pool socket included. Default 15 s. */
  timeoutMs?: number;
  /** Largest upstream body accepted. Default 16 MiB. */
  maxBodyBytes?: number;
  agent?: Agent;
}

/** Keep-alive pool to Prism. Every forwarded request has a deadline, so the pool can never stay exhausted. */
export const prismAgent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * Send one request to Prism. Rejects with UpstreamError('timeout') after timeoutMs; the socket is then destroyed,
 * which frees its pool slot even when Prism never answers.
 */
export function forwardToPrism(target: { host: string; port: number }, r: ForwardRequest, opts: ForwardOptions = {}): Promise<UpstreamResponse> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const maxBody = opts.maxBodyBytes ?? 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (e: Error | undefined, v?: UpstreamResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (e) reject(e);
      else resolve(v!);
    };
    const req = request({ host: target.host, port: target.port, method: r.method, path: r.path, headers: r.headers, agent: opts.agent ?? prismAgent }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBody) {
          req.destroy();
          finish(new UpstreamError(`Prism answer larger than ${maxBody} bytes`, 'too_big'));
        } else chunks.push(c);
      });
      res.on('end', () => finish(undefined, { status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (e) => finish(new UpstreamError(e.message, 'unreachable')));
      res.on('aborted', () => finish(new UpstreamError('Prism aborted the answer', 'unreachable')));
    });
    const timer = setTimeout(() => {
      finish(new UpstreamError(`Prism did not answer within ${timeoutMs} ms`, 'timeout'));
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => finish(new UpstreamError(e.message, 'unreachable')));
    req.end(r.body?.length ? r.body : undefined);
  });
}

export type PrismState = 'starting' | 'up' | 'unresponsive' | 'down';

export interface PrismHealth {
  state: PrismState;
  pid?: number;
  restarts: number;
  /** How the last Prism ended (`SIGKILL`, `exit 1`, `unresponsive`), if one did. */
  lastExit?: string;
}

export interface SupervisorOptions extends StartPrismOptions {
  /** Probe Prism this often. Default 2000 ms; 0 disables probing. */
  healthIntervalMs?: number;
  /** A probe slower than this fails. Default 1000 ms. */
  healthTimeoutMs?: number;
  /** Consecutive failed probes after which a live but silent Prism is killed and restarted. Default 3. */
  unresponsiveAfter?: number;
  /** Restart Prism when it dies (with backoff 0.5 s … 10 s). Default true. */
  restart?: boolean;
  log?: (line: string) => void;
}

export interface PrismSupervisor {
  /** The running Prism (the latest one after restarts). */
  readonly prism: PrismProcess;
  readonly restarts: number;
  health(): PrismHealth;
  forward(r: ForwardRequest, opts?: ForwardOptions): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/** Start Prism and keep it alive. Resolves once the first Prism answers (or rejects after startTimeoutMs). */
export async function supervisePrism(opts: SupervisorOptions): Promise<PrismSupervisor> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`[kallglot-mock prism] ${l}\n`));
  const interval = opts.healthIntervalMs ?? 2000;
  const unresponsiveAfter = opts.unresponsiveAfter ?? 3;
  let prism = await startPrism(opts);
  let state: PrismState = 'up';
  let restarts = 0;
  let lastExit: string | undefined;
  let closing = false;
  let failures = 0;
  let probing = false;
  let retryTimer: NodeJS.Timeout | undefined;
  // A Prism that dies soon after starting is crash-looping: each such death doubles the wait before the next start.
  let upSince = Date.now();
  let loopDelay = 0;

  const watch = (p: PrismProcess) => {
    p.child.once('exit', (code, signal) => {
      if (closing || p !== prism) return;
      lastExit ??= signal ?? `exit ${code}`;
      state = 'down';
      if (opts.restart === false) return log(`Prism exited (${lastExit})`);
      loopDelay = Date.now() - upSince < 10_000 ? Math.min(Math.max(loopDelay * 2, 500), 10_000) : 0;
      log(`Prism exited (${lastExit}); restarting${loopDelay ? ` in ${loopDelay} ms` : ''}`);
      restarts++;
      const retry = (delay: number) => {
        state = 'starting';
        startPrism(opts).then(
          (np) => {
            if (closing) return void np.close();
            prism = np;
            upSince = Date.now();
            state = 'up';
            failures = 0;
            lastExit = undefined;
            watch(np);
          },
          (e: Error) => {
            state = 'down';
            log(`Prism restart failed: ${e.message.split('\n')[0]}`);
            if (!closing) (retryTimer = setTimeout(() => retry(Math.min(delay * 2, 10_000)), delay)).unref();
          },
        );
      };
      if (loopDelay) (retryTimer = setTimeout(() => retry(500), loopDelay)).unref();
      else retry(500);
    });
  };
  watch(prism);

  const tick = async () => {
    if (closing || probing || state === 'starting') return;
    probing = true;
    const p = prism;
    const seen = await probeState(p.host, p.port, opts.healthTimeoutMs ?? 1000);
    probing = false;
    if (closing || p !== prism || p.child.exitCode !== null || p.child.signalCode !== null) return;
    if (seen === 'up') {
      failures = 0;
      state = 'up';
      return;
    }
    failures++;
    // Refused: nothing listens any more (usually a death whose exit event is still on its way).
    state = seen === 'refused' ? 'down' : 'unresponsive';
    if (failures >= unresponsiveAfter) {
      log(`Prism failed ${failures} health probes; killing it`);
      lastExit = 'unresponsive';
      p.child.kill('SIGKILL');
    }
  };
  const healthTimer = interval > 0 ? setInterval(() => void tick(), interval) : undefined;
  healthTimer?.unref();

  return {
    get prism() {
      return prism;
    },
    get restarts() {
      return restarts;
    },
    health() {
      // An exit seen by the OS but not yet by our 'exit' handler still counts as down.
      const dead = prism.child.exitCode !== null || prism.child.signalCode !== null;
      return { state: dead && state === 'up' ? 'down' : state, pid: dead ? undefined : prism.child.pid, restarts, ...(lastExit ? { lastExit } : {}) };
    },
    forward(r, fo) {
      return forwardToPrism(prism, r, fo);
    },
    async close() {
      closing = true;
      if (healthTimer) clearInterval(healthTimer);
      if (retryTimer) clearTimeout(retryTimer);
      await prism.close();
    },
  };
}
