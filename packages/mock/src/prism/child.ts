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
