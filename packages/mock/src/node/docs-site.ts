// Where the docs site the mock serves comes from: the installed @kallglot/docs package (a peer dependency of
// @kallglot/mock, so `npx @kallglot/mock` installs it too), found by package resolution. `--docs-dir` overrides it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** What to do when no site is installed: printed in place of the docs URL. */
export const DOCS_SITE_HINT = 'not served: npm install @kallglot/docs next to @kallglot/mock, or pass --docs-dir DIR';

/** The built site of the installed @kallglot/docs (its dist/), or '' when it is not installed or not built. */
export function installedDocsDir(): string {
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('@kallglot/docs/package.json')), 'dist');
    return existsSync(join(dir, 'index.html')) ? dir : '';
  } catch {
    return '';
  }
}
