// Runs the real Prism CLI (`prism mock`) on an internal loopback port. Our front server talks to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer, request } from 'node:http';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

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

function probe(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/__kallglot_mock_probe', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
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

export async function startPrism(opts: StartPrismOptions): Promise<PrismProcess> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? (await freePort(host));
  // Never -m (multiprocess crashes on `isPrimary`) and never NODE_ENV=production (same crash).
  const args = [prismBin(), 'mock', opts.specPath, '-h', host, '-p', String(port), '-v', opts.verbose ?? 'warn', '--errors'];
  if (opts.dynamic) args.push('-d');
  const env = { ...process.env };
  if (env.NODE_ENV === 'production') delete env.NODE_ENV;
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (buf: Buffer) => {
    for (const line of buf.toString('utf8').split('\n')) if (line.trim()) tail.push(line);
    if (tail.length > 40) tail.splice(0, tail.length - 40);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  while (!(await probe(host, port))) {
    if (exited) throw new Error(`Prism exited during start-up:\n${tail.join('\n')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Prism did not start within ${opts.startTimeoutMs ?? 30_000} ms:\n${tail.join('\n')}`);
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
