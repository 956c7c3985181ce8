// Docs server hardening: no way out of the root (symlinks included), no crash on files that vanish or cannot be
// read (a docs rebuild), only GET/HEAD, bounded URLs, right content types.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDocsServer, type DocsServer } from '../src/index.js';

let root: string;
let outside: string;
let docs: DocsServer;

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'kallglot-docs-harden-'));
  root = join(base, 'dist');
  outside = join(base, 'secret');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(outside, 'shadow'), 'root:SECRET');
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>docs</title>');
  writeFileSync(join(root, 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'style.css'), 'body{}');
  writeFileSync(join(root, 'openapi.json'), '{}');
  writeFileSync(join(root, 'empty.txt'), '');
  mkdirSync(join(root, 'guide'));
  writeFileSync(join(root, 'guide', 'index.html'), 'guide');
  mkdirSync(join(root, 'looks-like.js'));
  symlinkSync(join(outside, 'shadow'), join(root, 'leak.txt'));
  symlinkSync(outside, join(root, 'leakdir'));
  symlinkSync(join(root, 'app.js'), join(root, 'alias.js'));
  docs = await startDocsServer({ dir: root, port: 0, log: () => undefined });
});
afterAll(async () => {
  await docs?.close();
});

/** Raw request (fetch normalises `..` and refuses some methods). */
function raw(method: string, path: string): Promise<{ status: number; body: string; type?: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(docs.url);
    const req = request({ host: u.hostname, port: u.port, method, path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('docs server', () => {
  it('serves files with the right content types', async () => {
    expect(await raw('GET', '/')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(await raw('GET', '/app.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8', body: 'console.log(1)' });
    expect(await raw('GET', '/style.css')).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' });
    expect(await raw('GET', '/openapi.json')).toMatchObject({ status: 200, type: 'application/json' });
    expect(await raw('GET', '/empty.txt')).toMatchObject({ status: 200, body: '' });
    expect(await raw('GET', '/guide')).toMatchObject({ status: 200, body: 'guide' });
    expect(await raw('GET', '/guide/')).toMatchObject({ status: 200, body: 'guide' });
    // A symlink that stays inside the root is fine.
    expect(await raw('GET', '/alias.js')).toMatchObject({ status: 200, body: 'console.log(1)' });
    expect(await raw('HEAD', '/app.js')).toMatchObject({ status: 200, body: '' });
  });

  it('never follows a symlink out of the root', async () => {
    expect(await raw('GET', '/leak.txt')).toMatchObject({ status: 404 });
    expect(await raw('GET', '/leakdir/shadow')).toMatchObject({ status: 404 });
    for (const p of ['/../secret/shadow', '/%2e%2e/secret/shadow', '/..%2fsecret%2fshadow', '/guide/../../secret/shadow']) {
      const r = await raw('GET', p);
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.body).not.toContain('SECRET');
    }
  });

  it('a directory named like a file, a NUL byte, a bad escape: 4xx, no crash', async () => {
    expect((await raw('GET', '/looks-like.js')).status).toBe(404);
    // A FIFO must not block the server (opening one for reading waits for a writer unless non-blocking).
    execFileSync('mkfifo', [join(root, 'pipe.html')]);
    expect((await raw('GET', '/pipe.html')).status).toBe(404);
    expect((await raw('GET', '/pipe')).status).toBe(404);
    expect((await raw('GET', '/a%00b')).status).toBe(400);
    expect((await raw('GET', '/%E0%A4%A')).status).toBe(400);
  });

  it('only GET and HEAD; long URLs get 414', async () => {
    for (const m of ['POST', 'PUT', 'DELETE', 'PATCH']) expect((await raw(m, '/index.html')).status, m).toBe(405);
    expect((await raw('GET', `/${'a'.repeat(5000)}`)).status).toBe(414);
  });

  it('keeps serving while the files churn (vanish between lookup and read, a rebuild swaps the directory)', async () => {
    const churn = join(root, 'churn.html');
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        writeFileSync(churn, `v${i}`.repeat(1000));
        await new Promise((r) => setImmediate(r));
        rmSync(churn, { force: true });
        await new Promise((r) => setImmediate(r));
      }
    })();
    const results = await Promise.all(Array.from({ length: 400 }, () => raw('GET', '/churn.html').catch(() => ({ status: -1, body: '' }))));
    stop = true;
    await writer;
    for (const r of results) expect([200, 404, -1]).toContain(r.status);
    // A rebuild: the whole directory goes away, then comes back with new content.
    const tmp = `${root}.old`;
    renameSync(root, tmp);
    expect((await raw('GET', '/index.html')).status).toBe(404);
    mkdirSync(root);
    writeFileSync(join(root, 'index.html'), 'rebuilt');
    expect(await raw('GET', '/')).toMatchObject({ status: 200, body: 'rebuilt' });
    expect(await raw('GET', '/health')).toMatchObject({ status: 200 });
  });
});
