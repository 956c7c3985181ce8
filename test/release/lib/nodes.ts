// Node binaries for the consumer matrix: the running one when it is that major, else KALLGLOT_NODE_<major>
// (.ci/run sets it for the machine's Node), else `npx -y -p node@<major>` from the registry.
import { spawnSync } from 'node:child_process';
import { spawnSyncRetry } from '../../helpers/npm-retry.ts';

const cache = new Map<number, string>();
export function nodeFor(major: number): string {
  const hit = cache.get(major);
  if (hit) return hit;
  let bin: string | undefined;
  if (process.versions.node.split('.')[0] === String(major)) bin = process.execPath;
  else if (process.env[`KALLGLOT_NODE_${major}`]) bin = process.env[`KALLGLOT_NODE_${major}`];
  else {
    // From the registry: retried on transient failures (test/helpers/npm-retry.ts).
    const r = spawnSyncRetry('npx', ['-y', '-p', `node@${major}`, 'node', '-p', 'process.execPath'], { timeout: 300_000, env: { ...process.env, npm_config_registry: undefined } as NodeJS.ProcessEnv });
    if (r.status !== 0) throw new Error(`npx -p node@${major} failed: ${r.stderr}`);
    bin = r.stdout.trim();
  }
  const v = spawnSync(bin!, ['-v'], { encoding: 'utf8' }).stdout.trim();
  if (!v.startsWith(`v${major}.`)) throw new Error(`${bin} is ${v}, not Node ${major}`);
  cache.set(major, bin!);
  return bin!;
}
