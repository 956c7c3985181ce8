// Spawns the real Prism CLI against the bundled spec on a free 127.0.0.1 port.
// Never `-m` and never NODE_ENV=production (both crash Prism 5 with `isPrimary`).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const specPath = join(dirname(createRequire(import.meta.url).resolve('@kallglot/spec/package.json')), 'dist', 'openapi.json');

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface PrismProcess {
  url: string;
  close(): Promise<void>;
}

export async function startPrism(spec = specPath): Promise<PrismProcess> {
  const require = createRequire(import.meta.url);
  const cliPkg = require.resolve('@stoplight/prism-cli/package.json');
  const bin = join(dirname(cliPkg), (require(cliPkg) as { bin: { prism: string } }).bin.prism);
  const port = await freePort();
  const env = { ...process.env };
  delete env.NODE_ENV;
  const child: ChildProcess = spawn(process.execPath, [bin, 'mock', spec, '-h', '127.0.0.1', '-p', String(port), '-v', 'warn'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prism exited with ${child.exitCode}:\n${log}`);
    try {
      await fetch(`${url}/__prism_ready__`);
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill();
        throw new Error(`prism did not start within 60 s:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
