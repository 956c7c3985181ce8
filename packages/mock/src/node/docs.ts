// Minimal static file server for the built docs site (the @kallglot/docs package's dist/, or --docs-dir), part
// of the node adapter. `/assets/local-mock.js` is answered with the URLs of the mock serving it, so the
// playground and the pages' base URLs use that mock's real ports (the site's own copy names the default ones).
// Every path is resolved with realpath and checked against the root's realpath, so neither `..` nor a symlink can
// lead outside it. Files are opened once and served from that descriptor: a file that vanishes or cannot be read
// (as during a docs rebuild) is a 404 or 500 for that request, never a crash.
import { constants, createReadStream, realpathSync } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.xml': 'application/xml',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
};

/** Longest request target served (bytes); longer ones get 414. */
export const MAX_DOCS_URL = 2048;

export interface DocsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

type Found = { fh: FileHandle; size: number; path: string };

const text = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...headers }).end(body);
};

/** The URLs the served site uses for the local mock (REST origin, stream origin). */
export interface LocalMockUrls {
  rest: string;
  stream: string;
}

/** The site's `assets/local-mock.js`: one global the pages read before their own scripts run. */
const localMockScript = (urls: LocalMockUrls) => `window.KG_LOCAL_MOCK=${JSON.stringify({ rest: urls.rest, stream: urls.stream }).replace(/</g, '\\u003c')};\n`;

interface Site {
  root: string;
  log: (line: string) => void;
  localMock?: LocalMockUrls;
}

const inside = (site: Site, p: string) => p === site.root || p.startsWith(site.root + sep);

/** Open `candidate` if it is a regular file whose real path lies under the root; undefined otherwise. */
async function openInside(site: Site, candidate: string): Promise<Found | undefined> {
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return undefined;
  }
  if (!inside(site, real)) return undefined;
  let fh: FileHandle;
  try {
    // O_NOFOLLOW: a last component swapped for a symlink after realpath fails; O_NONBLOCK: a FIFO cannot block.
    fh = await open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    const st = await fh.stat();
    if (st.isFile()) return { fh, size: st.size, path: real };
  } catch {
    // fall through: close and report not found
  }
  await fh.close().catch(() => undefined);
  return undefined;
}

/** The file a URL path names: the path itself, its index.html, or path + .html. */
async function find(site: Site, pathname: string): Promise<Found | undefined> {
  const file = join(site.root, pathname);
  if (!inside(site, file)) return undefined;
  return (await openInside(site, file)) ?? (await openInside(site, join(file, 'index.html'))) ?? (pathname.endsWith('/') ? undefined : await openInside(site, `${file}.html`));
}

/** Serve exactly the bytes announced: the file may be rewritten meanwhile (a rebuild), never grow the answer. */
async function serveFile(site: Site, res: ServerResponse, found: Found, head: boolean): Promise<void> {
  const { fh, size, path } = found;
  res.writeHead(200, {
    'Content-Type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': size,
    'X-Content-Type-Options': 'nosniff',
  });
  if (head) {
    await fh.close().catch(() => undefined);
    return void res.end();
  }
  const stream = createReadStream('', { fd: fh, start: 0, end: Math.max(0, size - 1), autoClose: true });
  stream.on('error', (e) => {
    site.log(`read error on ${path}: ${e.message}`);
    res.destroy();
  });
  res.on('close', () => stream.destroy());
  if (size === 0) {
    stream.destroy();
    return void res.end();
  }
  stream.pipe(res);
}

/** The request's decoded path, or the status that refuses it. */
function requestPath(req: IncomingMessage): string | number {
  if ((req.url ?? '').length > MAX_DOCS_URL) return 414;
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') return 405;
  try {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://docs.local').pathname);
    return pathname.includes('\0') ? 400 : pathname;
  } catch {
    return 400;
  }
}

const REFUSALS: Record<number, [string, Record<string, string>?]> = { 400: ['Bad request'], 405: ['Method not allowed', { Allow: 'GET, HEAD' }], 414: ['URI too long'] };

async function handle(site: Site, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const pathname = requestPath(req);
  if (typeof pathname === 'number') return text(res, pathname, REFUSALS[pathname]![0], REFUSALS[pathname]![1]);
  const head = req.method === 'HEAD';
  if (pathname === '/health') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok","docs":true}');
  if (site.localMock && pathname === '/assets/local-mock.js') {
    const body = localMockScript(site.localMock);
    res.writeHead(200, { 'Content-Type': TYPES['.js']!, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    return void res.end(head ? undefined : body);
  }
  const found = await find(site, pathname);
  if (!found) return text(res, 404, 'Not found');
  return serveFile(site, res, found, head);
}

export async function startDocsServer(opts: { dir: string; host?: string; port?: number; log?: (line: string) => void; localMock?: LocalMockUrls }): Promise<DocsServer> {
  const host = opts.host ?? '127.0.0.1';
  const site: Site = { root: realpathSync(opts.dir), log: opts.log ?? ((l: string) => process.stderr.write(`[kallglot-mock docs] ${l}\n`)), localMock: opts.localMock };
  const server: Server = createServer({ maxHeaderSize: 16 * 1024, requestTimeout: 30_000 }, (req, res) => {
    handle(site, req, res).catch((e) => {
      site.log(`internal error: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) text(res, 500, 'Internal error');
      else res.destroy();
    });
  });
  // A static site for one developer: a few hundred sockets is plenty, and bounds what a runaway client can hold.
  server.maxConnections = 512;
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((r, j) => {
    server.once('error', j);
    server.listen(opts.port ?? 4012, host, () => r());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
