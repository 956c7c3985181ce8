import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox } from './helpers/sandbox.ts';
const sb = makeSandbox({ seedCache: false });
const patch = (rel: string, f: (j: any) => void) => { const p = join(sb.dir, rel); const j = JSON.parse(readFileSync(p, 'utf8')); f(j); writeFileSync(p, JSON.stringify(j, null, 2)); };
patch('packages/client/turbo.json', (j) => { j.tasks.build.inputs.push('!src/generated/**'); });
patch('packages/stream/turbo.json', (j) => { j.tasks.build.inputs.push('!src/generated/**'); j.tasks.generate.inputs = j.tasks.generate.inputs.filter((x: string) => !x.includes('spec/dist')); });
for (let i = 0; i < 2; i++) {
  const r = sb.turbo(['run', 'build', '--summarize', '--output-logs=errors-only']);
  const dir = join(sb.dir, '.turbo', 'runs');
  const f = readdirSync(dir).map((x) => join(dir, x)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
  const j = JSON.parse(readFileSync(f, 'utf8'));
  console.log('run', i, r.status, j.tasks.filter((t: any) => t.command !== '<NONEXISTENT>' && t.cache.status !== 'HIT').map((t: any) => t.taskId));
  if (i === 1) console.log(r.stdout.includes('FULL TURBO') ? 'FULL TURBO' : 'not full turbo');
}
sb.cleanup();
