// esbuild plugin: any Node built-in (node:x or bare) in the import graph is a build error, recorded in `seen`.
import { builtinModules } from 'node:module';
import type { Plugin } from 'esbuild';

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

export function noNodeBuiltins(seen: string[]): Plugin {
  return {
    name: 'no-node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.path.startsWith('node:') || builtins.has(args.path)) {
          seen.push(`${args.path} (from ${args.importer})`);
          return { errors: [{ text: `Node built-in '${args.path}' imported by ${args.importer}` }] };
        }
        return undefined;
      });
    },
  };
}
