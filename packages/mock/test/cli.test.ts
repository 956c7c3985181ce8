// The `kallglot-mock` bin as a real child process (needs `npm run build` first, as turbo's test task does).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyWebhook } from '@kallglot/client';
import { describe, expect, it } from 'vitest';
import { connect, speechFrames } from './helpers/ws.js';
import { SPEECH } from './helpers/audio.js';
import { runCli, waitFor } from './hardening-helpers.js';

const run = (args: string[]) => runCli(args);

describe('kallglot-mock CLI', () => {
  it('serves REST, stream and docs, prints the URLs, answers /health, and exits 0 on SIGTERM', async () => {
    const docs = mkdtempSync(join(tmpdir(), 'kallglot-docs-'));
    writeFileSync(join(docs, 'index.html'), '<!doctype html><title>Kallglot docs</title>');
    const p = run(['--rest-port', '0', '--stream-port', '0', '--docs-port', '0', '--docs-dir', docs]);
    try {
      await waitFor(() => /Health\s+http/.test(p.out()), 'the URL table');
      const rest = /REST\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(p.out())![1]!;
      const stream = /Stream\s+(ws:\/\/127\.0\.0\.1:\d+)/.exec(p.out())![1]!;
      const docsUrl = /Docs\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(p.out())![1]!;
      const health = await fetch(`${rest}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok' });
      expect(await (await fetch(docsUrl)).text()).toContain('Kallglot docs');
      // create → connect through the printed ports
      const created = await (
        await fetch(`${rest}/v1/sessions`, { method: 'POST', headers: { Authorization: 'Bearer sk_test_cli', 'Content-Type': 'application/json' }, body: '{"mode":"bidirectional_translation"}' })
      ).json();
      expect(created.stream.url.startsWith(stream)).toBe(true);
      const c = connect(`${created.stream.url}?token=${created.stream.token}`);
      expect((await c.next()).type).toBe('session.ready');
      c.ws.close();
    } finally {
      p.child.kill('SIGTERM');
    }
    expect(await p.exit).toBe(0);
    expect(p.err()).toContain('SIGTERM');
  });

  it('--json prints one machine-readable line; SIGINT also exits 0', async () => {
    const p = run(['--rest-port', '0', '--stream-port', '0', '--no-docs', '--json']);
    await waitFor(() => p.out().includes('\n'), 'the JSON line');
    const info = JSON.parse(p.out().trim().split('\n')[0]!);
    expect(info).toMatchObject({ ready: true });
    expect(info.rest).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(info.health)).status).toBe(200);
    p.child.kill('SIGINT');
    expect(await p.exit).toBe(0);
  });

  it('fault flags apply to every stream connection, --scenario picks the script', async () => {
    const p = run(['--rest-port', '0', '--stream-port', '0', '--no-docs', '--json', '--accept-unknown-tokens', '--scenario', 'bilingual', '--close-code', '1013', '--close-after-ms', '300']);
    try {
      await waitFor(() => p.out().includes('\n'), 'the JSON line');
      const info = JSON.parse(p.out().trim().split('\n')[0]!);
      const c = connect(`${info.stream}/v1/sessions/sess_cliflags1/connect?token=kst_test_cli`);
      await c.next((f) => f.type === 'session.ready');
      // The speech sample's first phrase and the 500 ms after it (turns follow voice activity), in 1 s frames.
      for (const f of speechFrames(SPEECH, 0, 4000, 1000)) c.send(f);
      const final = await c.next((f) => f.type === 'transcript.final');
      expect(final.translation).toEqual({ language: 'es', text: '¿Dónde está mi paquete?' });
      expect((await c.closed).code).toBe(1013);
    } finally {
      p.child.kill('SIGTERM');
    }
    expect(await p.exit).toBe(0);
  });

  it('rejects unknown flags with usage and exit code 2', async () => {
    const p = run(['--rest-prot', '1']);
    expect(await p.exit).toBe(2);
    expect(p.err()).toMatch(/Usage:/);
  });

  it('webhook send posts a signed event and exits 0', async () => {
    const got: { raw: string; sig: string }[] = [];
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (d) => (raw += d));
      req.on('end', () => {
        got.push({ raw, sig: String(req.headers['kallglot-signature']) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const p = run(['webhook', 'send', '--url', url, '--event', 'session.ended', '--secret', 'whsec_cli']);
      expect(await p.exit).toBe(0);
      expect(JSON.parse(p.out())).toMatchObject({ delivered: true, attempts: 1 });
      const event = await verifyWebhook({ payload: got[0]!.raw, header: got[0]!.sig, secret: 'whsec_cli' });
      expect(event.type).toBe('session.ended');
      const bad = run(['webhook', 'send', '--url', url, '--event', 'nope.event', '--secret', 'x']);
      expect(await bad.exit).toBe(2);
      expect(bad.err()).toContain('session.ended');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
