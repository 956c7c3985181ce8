// The CLI on a fresh clone (no dist/ yet) and on a busy port.
import { cpSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './hardening-helpers.js';

const BIN_DIR = fileURLToPath(new URL('../bin/', import.meta.url));

describe('kallglot-mock before a build', () => {
  // The package as a fresh clone has it: bin/ and no dist/.
  const fresh = mkdtempSync(join(tmpdir(), 'kallglot-fresh-'));
  cpSync(BIN_DIR, join(fresh, 'bin'), { recursive: true });
  const bin = join(fresh, 'bin', 'kallglot-mock.js');

  it('--help prints the usage, --allow-url-faults included, and exits 0', async () => {
    for (const flag of ['--help', '-h']) {
      const p = runCli([flag], bin);
      expect(await p.exit).toBe(0);
      expect(p.out()).toMatch(/^Usage:/);
      expect(p.out()).toContain('--allow-url-faults');
      expect(p.out()).toContain('--rest-port');
      expect(p.err()).toBe('');
    }
  });

  it('any other command says to build first and exits 1, without a stack trace', async () => {
    const p = runCli(['--rest-port', '0'], bin);
    expect(await p.exit).toBe(1);
    expect(p.err()).toMatch(/npm run build/);
    expect(p.err()).not.toMatch(/ERR_MODULE_NOT_FOUND|\n\s+at /);
  });
});

describe('kallglot-mock on a busy port', () => {
  let blocker: Server | undefined;
  afterEach(async () => {
    await new Promise((r) => (blocker ? blocker.close(r) : r(undefined)));
  });

  const occupy = async (): Promise<number> => {
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(0, '127.0.0.1', () => r()));
    return (blocker.address() as { port: number }).port;
  };

  it.each([
    ['--rest-port', 'REST'],
    ['--stream-port', 'stream'],
    ['--docs-port', 'docs'],
  ])('names %s when that port is taken, and exits 1 cleanly', async (flag) => {
    const port = await occupy();
    const ports: Record<string, string> = { '--rest-port': '0', '--stream-port': '0', '--docs-port': '0', [flag]: String(port) };
    const docsDir = mkdtempSync(join(tmpdir(), 'kallglot-docs-'));
    const p = runCli([...Object.entries(ports).flat(), '--docs-dir', docsDir]);
    const killer = setTimeout(() => p.child.kill('SIGTERM'), 30_000);
    expect(await p.exit.finally(() => clearTimeout(killer))).toBe(1);
    expect(p.err()).toContain(flag);
    expect(p.err()).toContain(String(port));
    expect(p.err()).not.toMatch(/\n\s+at /);
  }, 60_000);
});
