// Shared helpers: run the CLI in-process with captured output, and start the mock quietly.
import { startMock } from '@kallglot/mock';
import { main, type Io } from '../src/cli.js';

export async function run(argv: string[], env: NodeJS.ProcessEnv = {}, extra: Partial<Io> = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l), ...extra });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

export const quietMock = () => startMock({ host: '127.0.0.1', restPort: 0, streamPort: 0, docsDir: false, log: () => {} } as Parameters<typeof startMock>[0]);
