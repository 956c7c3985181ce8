// The browser path for real: the package bundled for browsers (no `ws`, no Buffer) in headless Chromium,
// talking to a real WebSocket server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { encodeMulaw, validateAudioInput } from '../src/node.js';
import { startScriptedServer, behaveNormally, type ScriptedServer } from './helpers/scripted-server.js';

const pkg = new URL('..', import.meta.url).pathname;
let browser: Browser;
let page: Page;
let srv: ScriptedServer;

beforeAll(async () => {
  srv = await startScriptedServer((c) => {
    if (c.token === 'kst_test_bad') return c.close(4001, 'token_invalid');
    if (c.token === 'kst_test_big') {
      behaveNormally(c);
      // Shaped like the docs' quickstart frame, then one frame over the 64 KiB limit.
      c.send({ type: 'transcript.final', session_id: c.sessionId, speaker: 'customer', text: 'Hallo', translation: { language: 'en', text: 'Hello' } });
      c.send({ type: 'transcript.final', speaker: 'customer', text: 'x'.repeat(70_000) });
      return;
    }
    behaveNormally(c);
    c.send({ type: 'transcript.partial', sequence: 1, speaker: 'customer', language: 'en', text: 'hel', timestamp: '2026-01-01T00:00:00Z' });
    c.sendRaw('{oops');
  });
  const bundle = await build({
    stdin: {
      contents: `
        import { connectStream, encodeMulaw } from '@kallglot/stream';
        window.runStream = async (url) => {
          const s = connectStream({ url, token: 'kst_test_chromium', keepalive: false });
          const errors = [];
          s.on('error', (e) => errors.push(e.kind));
          const seen = [];
          const done = (async () => { for await (const m of s) seen.push(m.type); })();
          await s.ready;
          const pcm = Int16Array.from({ length: 160 }, (_, i) => Math.round(7000 * Math.sin(i / 4)));
          await s.sendAudio(pcm);
          await s.sendAudio(new Uint8Array([0, 1, 2, 3, 250, 255]));
          const ended = await s.end();
          await done;
          return { seen, errors, ended, hasBuffer: typeof Buffer !== 'undefined', expected: Array.from(encodeMulaw(pcm)) };
        };
        window.bigStream = async (url) => {
          const s = connectStream({ url, token: 'kst_test_big', keepalive: false });
          const errors = [];
          const warnings = [];
          const finals = [];
          s.on('error', (e) => errors.push({ kind: e.kind, details: JSON.stringify(e.details) }));
          s.on('warning', (w) => warnings.push(w.kind));
          s.on('transcript.final', (m) => finals.push(m.text));
          const closed = await new Promise((resolve) => s.on('closed', resolve));
          return { errors, warnings, finals, code: closed.code, closeName: closed.error && closed.error.closeName };
        };
        window.failStream = async (url) => {
          const err = await connectStream({ url, token: 'kst_test_bad', keepalive: false }).ready.catch((e) => e);
          return { name: err.name, code: err.code, closeName: err.closeName, message: err.message };
        };`,
      resolveDir: pkg,
      loader: 'js',
    },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    write: false,
    logLevel: 'silent',
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  page = await browser.newPage();
  await page.setContent(`<!doctype html><script>${bundle.outputFiles[0]!.text.replace(/<\/script/g, '<\\/script')}</script>`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

describe('in Chromium (global WebSocket, no Buffer)', () => {
  it('streams audio, iterates messages, reports bad frames and ends', async () => {
    const r = await page.evaluate((url) => (window as any).runStream(url), srv.url);
    expect(r.hasBuffer).toBe(false);
    expect(r.seen).toEqual(['session.ready', 'transcript.partial', 'session.ended']);
    expect(r.errors).toEqual(['parse']);
    expect(r.ended).toMatchObject({ type: 'session.ended', reason: 'explicit_end' });
    const conn = srv.connections.find((c) => c.token === 'kst_test_chromium')!;
    const audio = conn.received.filter((m) => m.type === 'audio.input') as any[];
    expect(audio.every((m) => validateAudioInput(m))).toBe(true);
    expect(audio.map((m) => m.sequence)).toEqual([0, 1]);
    expect([...Buffer.from(audio[0].audio.payload, 'base64')]).toEqual(r.expected);
    expect([...Buffer.from(audio[1].audio.payload, 'base64')]).toEqual([0, 1, 2, 3, 250, 255]);
    expect(r.expected).toEqual([...encodeMulaw(Int16Array.from({ length: 160 }, (_, i) => Math.round(7000 * Math.sin(i / 4))))]);
  });

  it('delivers the docs-shaped transcript.final and closes on a frame over 64 KiB without reporting its content', async () => {
    const r = await page.evaluate((url) => (window as any).bigStream(url), srv.url);
    expect(r.finals).toEqual(['Hallo']);
    expect(r.warnings.every((k: string) => k === 'schema')).toBe(true);
    expect(r.errors.map((e: { kind: string }) => e.kind)).toEqual(['frame_too_big']);
    expect(r.errors[0].details).not.toContain('xxx');
    expect(r).toMatchObject({ code: 1009, closeName: 'message_too_big' });
  });

  it('reads the close code of a refused handshake', async () => {
    const r = await page.evaluate((url) => (window as any).failStream(url), srv.url);
    expect(r).toMatchObject({ name: 'StreamConnectError', code: 4001, closeName: 'token_invalid' });
    expect(r.message).toMatch(/4001 token_invalid/);
  });
});
