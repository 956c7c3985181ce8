#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built by `npm run build`). Help needs no build, so a fresh clone can ask.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const cli = new URL('../dist/cli.js', import.meta.url);

if (args.includes('--help') || args.includes('-h') || args[0] === 'help') {
  process.stdout.write(readFileSync(new URL('./usage.txt', import.meta.url), 'utf8'));
  process.exit(0);
}
if (!existsSync(fileURLToPath(cli))) {
  console.error(
    'kallglot-mock: the mock is not built yet (dist/cli.js is missing).\n' +
      'Run `npm run build` first (at the repository root, or `npm run build -w @kallglot/mock`), then try again.',
  );
  process.exit(1);
}

const { main } = await import(cli.href);
main(args).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(`kallglot-mock: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
