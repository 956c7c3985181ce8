// Shared test helpers: a static server for dist/, the Chromium launcher and the spec facts pages must show.
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const DOCS_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DIST = join(DOCS_ROOT, 'dist');
export const OUTPUT = join(DOCS_ROOT, 'test-output');
export const PAGES = ['index.html', 'rest.html', 'stream.html', 'playground.html', 'assumptions.html'] as const;

/** The entries of a built assets/search-index.js (`window.KG_SEARCH=[…];` then the ranking function). */
export function readSearchIndex(file: string): Array<Record<string, string>> {
  const src = readFileSync(file, 'utf8');
  const start = src.indexOf('window.KG_SEARCH=') + 'window.KG_SEARCH='.length;
  return JSON.parse(src.slice(start, src.indexOf(';\n', start)));
}

/** Builds the site when dist/ is missing (turbo normally runs the build first). */
export function ensureBuilt(): void {
  if (PAGES.every((p) => existsSync(join(DIST, p)))) return;
  execFileSync(process.execPath, [join(DOCS_ROOT, 'scripts', 'build.mjs')], { cwd: DOCS_ROOT, stdio: 'inherit' });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Minimal static file server for dist/ on 127.0.0.1, port 0. */
export async function serveDist(): Promise<{ origin: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(DIST, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(DIST + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', ...extraArgs],
  });
}

/** Builds a workspace package with turbo when its types are missing. */
export function ensurePackageBuilt(dir: string, name: string): void {
  const repo = join(DOCS_ROOT, '..');
  if (existsSync(join(repo, dir, 'dist', 'index.d.ts'))) return;
  execFileSync('npx', ['turbo', 'run', 'build', `--filter=${name}...`], {
    cwd: repo,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', REDOCLY_TELEMETRY: 'off' },
  });
}

export interface PageWatch {
  consoleErrors: string[];
  foreignRequests: string[];
}

/** Host of a request URL; blob: URLs count as their creator's origin, data: as local. */
function hostOf(url: string): string | undefined {
  if (url.startsWith('data:')) return undefined;
  const inner = url.startsWith('blob:') ? url.slice(5) : url;
  if (inner.startsWith('file:') || inner.startsWith('null/')) return undefined;
  return new URL(inner).hostname;
}

/** Records console errors, page errors and every request to a host other than 127.0.0.1, aborting those. */
export async function watch(page: Page): Promise<PageWatch> {
  const w: PageWatch = { consoleErrors: [], foreignRequests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') w.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => w.consoleErrors.push(`pageerror: ${e.message}`));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    const host = hostOf(url);
    if (host !== undefined && host !== '127.0.0.1') {
      w.foreignRequests.push(url);
      return route.abort();
    }
    return route.continue();
  });
  page.on('request', (r) => {
    const host = hostOf(r.url());
    if (host !== undefined && host !== '127.0.0.1' && !w.foreignRequests.includes(r.url())) w.foreignRequests.push(r.url());
  });
  return w;
}

/** Waits until Redoc has hydrated (its sidebar links use the hash router). */
export async function waitForRedoc(page: Page): Promise<void> {
  // The page is server-rendered; Redoc's deferred script hydrates it and then sets the flag.
  await page.waitForFunction(() => (window as any).kgRedocReady === true, undefined, { timeout: 60_000 });
  await page.waitForSelector('#redoc a[href^="#/"]', { timeout: 20_000 });
}

export function readSpec(name: 'openapi' | 'asyncapi'): any {
  return JSON.parse(readFileSync(join(DOCS_ROOT, '..', 'packages', 'spec', 'dist', `${name}.json`), 'utf8'));
}

/** Local $ref resolution for reading the bundles in tests. */
export function deref(doc: any, node: any): any {
  let n = node;
  while (n && typeof n.$ref === 'string') {
    n = n.$ref
      .slice(2)
      .split('/')
      .reduce((acc: any, k: string) => acc?.[decodeURIComponent(k).replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  }
  return n;
}

export const slug = (text: string): string => String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Every operation under `paths` (and `webhooks` when asked) with its first tag (Redoc groups by it). */
export function operations(openapi: any, { webhooks = false } = {}): { operationId: string; tag: string }[] {
  const out: { operationId: string; tag: string }[] = [];
  const items = [...Object.values<any>(openapi.paths ?? {}), ...(webhooks ? Object.values<any>(openapi.webhooks ?? {}) : [])];
  for (const item of items) {
    for (const op of Object.values<any>(deref(openapi, item))) {
      if (op?.operationId) out.push({ operationId: op.operationId, tag: op.tags?.[0] ?? 'other' });
    }
  }
  return out;
}

/** Every `type` value of every message in the AsyncAPI document, with the direction of its operation. */
export function messageTypes(asyncapi: any): { type: string; action: string }[] {
  const out: { type: string; action: string }[] = [];
  for (const rawOp of Object.values<any>(asyncapi.operations ?? {})) {
    const op = deref(asyncapi, rawOp);
    for (const ref of op.messages ?? []) {
      const message = deref(asyncapi, ref);
      const type = deref(asyncapi, deref(asyncapi, message.payload)?.properties?.type);
      const value = type?.const ?? type?.enum?.[0];
      if (value && !out.some((o) => o.type === value)) out.push({ type: value, action: op.action });
    }
  }
  return out;
}
