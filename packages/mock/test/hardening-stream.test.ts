// Stream mock hardening: URL faults are opt-in, close codes a WebSocket may not send are refused (never thrown),
// bad input cannot take the process down, and a client that never reads is cut off at the outbound buffer cap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStreamMock, type StreamMock } from '../src/index.js';
import { isSendableCloseCode } from '../src/stream.js';
import { RawWs, startCli, waitFor } from './hardening-helpers.js';
import { validateServerFrame } from './helpers/spec.js';
import { connect } from './helpers/ws.js';

const BAD_CODES = ['1004', '1005', '1006', '1015', '999', '5000', '0', '65535', '1e3', 'garbage', '-1', '4000.5'];

describe('URL faults through the real CLI process', () => {
  it('default: mock_close_code=1006 is ignored and the process (REST included) stays up', async () => {
    const cli = await startCli(['--accept-unknown-tokens']);
    try {
      const c = connect(`${cli.urls.stream}/v1/sessions/sess_a1/connect?token=kst_test_x&mock_close_code=1006`);
      expect((await c.next()).type).toBe('session.ready');
      c.send({ type: 'ping' });
      expect((await c.next((f) => f.type === 'pong')).type).toBe('pong');
      // A fault the URL asks for is not applied without --allow-url-faults.
      const c2 = connect(`${cli.urls.stream}/v1/sessions/sess_a2/connect?token=kst_test_x&mock_close_code=1011&mock_close_after_ms=0`);
      expect((await c2.next()).type).toBe('session.ready');
      await new Promise((r) => setTimeout(r, 200));
      expect(c2.ws.readyState).toBe(c2.ws.OPEN);
      c.ws.close();
      c2.ws.close();
      expect((await fetch(cli.urls.health)).status).toBe(200);
      expect(cli.child.exitCode).toBe(null);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exit;
    }
  }, 60_000);

  it('--allow-url-faults: every unsendable code is refused with session.error + 1008, and nothing crashes', async () => {
    const cli = await startCli(['--allow-url-faults', '--accept-unknown-tokens']);
    try {
      for (const bad of BAD_CODES) {
        for (const param of ['mock_close_code', 'mock_refuse_with']) {
          const c = connect(`${cli.urls.stream}/v1/sessions/sess_a1/connect?token=kst_test_x&${param}=${bad}`);
          // Non-numeric values are not faults at all (ignored); numeric unsendable ones are refused.
          if (/^\d+$/.test(bad)) {
            expect(isSendableCloseCode(Number(bad))).toBe(false);
            expect((await c.closed).code, `${param}=${bad}`).toBe(1008);
            const err = JSON.parse(c.frames[0]!);
            expect(err.type).toBe('session.error');
            expect(err.param).toBe(param);
            expect(validateServerFrame(c.frames[0]!).ok, c.frames[0]).toBe(true);
          } else {
            expect((await c.next()).type, `${param}=${bad}`).toBe('session.ready');
            c.ws.close();
          }
        }
      }
      // An allowed code still works when asked for.
      const ok = connect(`${cli.urls.stream}/v1/sessions/sess_a1/connect?token=kst_test_x&mock_close_code=4008`);
      expect((await ok.closed).code).toBe(4008);
      expect(cli.child.exitCode).toBe(null);
      expect((await fetch(cli.urls.health)).status).toBe(200);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exit;
    }
  }, 60_000);

  it('--close-code 1006 on the command line is a usage error (exit 2), not a crash later', async () => {
    const { runCli } = await import('./hardening-helpers.js');
    const cli = runCli(['--rest-port', '0', '--stream-port', '0', '--no-docs', '--close-code', '1006']);
    const killer = setTimeout(() => cli.child.kill('SIGTERM'), 15_000);
    try {
      expect(await cli.exit).toBe(2);
      expect(cli.err()).toMatch(/--close-code 1006/);
    } finally {
      clearTimeout(killer);
    }
  });
});

describe('in-process stream mock', () => {
  let mock: StreamMock;
  const logs: string[] = [];
  beforeAll(async () => {
    mock = await startStreamMock({ port: 0, allowUrlFaults: true, acceptUnknownTokens: true, log: (l) => logs.push(l) });
  });
  afterAll(async () => {
    await mock?.close();
  });

  it('a scenario carrying an unsendable close code is sanitised, not thrown', async () => {
    mock.scenarios.set('bad-close', { name: 'bad-close', utterances: [{ text: 'hi' }], faults: { close_code: 1006, close_after_ms: 0 } });
    const t = mock.issueToken({ scenario: 'bad-close' });
    const c = connect(`${t.url}?token=${t.token}`);
    expect((await c.next()).type).toBe('session.ready');
    await new Promise((r) => setTimeout(r, 100));
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    expect(logs.some((l) => l.includes('bad-close') && l.includes('1006'))).toBe(true);
    c.ws.close();
  });

  it('refuses unsendable fault codes passed as options at start', async () => {
    await expect(startStreamMock({ port: 0, faults: { close_code: 1005 }, log: () => undefined })).rejects.toThrow(/close_code/);
  });

  it('fuzzed connect URLs and raw frames never take the server down', async () => {
    const urls = [
      '/v1/sessions/sess_a1/connect?token=kst_test_x&mock_latency_ms=99999999999999999999',
      '/v1/sessions/sess_a1/connect?token=kst_test_x&mock_drop_after_frames=0',
      '/v1/sessions/sess_a1/connect?token=kst_test_x&mock_malformed_every=0',
      '/v1/sessions/sess_a1/connect?token=kst_test_x&mock_close_after_frames=1&mock_close_code=1005',
      '/v1/sessions/sess_a1/connect?token=kst_test_x&mock_scenario=../../../etc/passwd',
      '/v1/sessions/%E0%A4%A/connect?token=kst_test_x',
      '/v1/sessions/sess_a1/connect?token=%00%ff',
      '/v1/sessions/sess_a1/connect?token=kst_test_x&mock_idle_timeout_ms=1',
      '/v1/sessions/sess_a1/connect?token=kst_test_x&mock_close_code=1005&mock_close_after_ms=0',
      '/v1/sessions/sess_a1/connect?token=kst_test_x&mock_latency_ms=1&mock_close_after_frames=1&mock_close_code=1015',
    ];
    for (const u of urls) {
      const ws = await RawWs.open(`${mock.url}${u}`).catch(() => undefined);
      if (!ws) continue;
      for (const f of [Buffer.from([0xff, 0xfe]), Buffer.alloc(70_000, 0x41), Buffer.from('{"type":"audio.input","audio":{"payload":"===="}}')]) ws.send(f);
      ws.send(Buffer.from([1, 2, 3]), 2);
      ws.send(Buffer.alloc(0), 9);
      await new Promise((r) => setTimeout(r, 30));
      ws.destroy();
    }
    // Bad input is answered as bad input (a close code), not logged as a failure of the mock.
    expect(logs.filter((l) => l.includes('handler failed'))).toEqual([]);
    // Still serving.
    const t = mock.issueToken();
    const c = connect(`${t.url}?token=${t.token}`);
    expect((await c.next()).type).toBe('session.ready');
    c.ws.close();
  });
});

describe('outbound backpressure and inbound bounds', () => {
  it('a client that keeps asking and never reads is closed with 1013 (logged); other sockets keep working', async () => {
    const logs: string[] = [];
    const mock = await startStreamMock({ port: 0, idleTimeoutMs: 0, log: (l) => logs.push(l) });
    try {
      const t = mock.issueToken();
      const abuser = await RawWs.open(`${t.url}?token=${t.token}`);
      abuser.pause();
      const t2 = mock.issueToken();
      const ok = connect(`${t2.url}?token=${t2.token}`);
      expect((await ok.next()).type).toBe('session.ready');
      // Every ping earns a pong: 1000 pings a batch, far more bytes than the kernel buffers take, never read.
      const batch = Buffer.concat(Array.from({ length: 1000 }, () => RawWs.frame('{"type":"ping"}')));
      for (let i = 0; i < 400 && !logs.some((l) => l.includes('outbound buffer')); i++) {
        abuser.socket.write(batch);
        await new Promise((r) => setTimeout(r, 5));
      }
      await waitFor(() => logs.some((l) => l.includes('outbound buffer') && l.includes('1013')), 'the 1013 log line', 20_000);
      // The healthy socket still gets answers while the abuser is being cut off.
      ok.send({ type: 'ping' });
      expect((await ok.next((f) => f.type === 'pong')).type).toBe('pong');
      // Reading again, the abuser finds a 1013 close frame at the end of what was queued.
      abuser.resume();
      await waitFor(() => abuser.closeCode() !== undefined, 'the close frame', 10_000);
      expect(abuser.closeCode()).toBe(1013);
      abuser.destroy();
      ok.ws.close();
    } finally {
      await mock.close();
    }
  }, 60_000);

  it('a flood of invalid frames is answered up to a budget, then closed with 4029 rate_limited (logged)', async () => {
    const logs: string[] = [];
    const mock = await startStreamMock({ port: 0, log: (l) => logs.push(l) });
    try {
      const t = mock.issueToken();
      const c = connect(`${t.url}?token=${t.token}`);
      await c.next((f) => f.type === 'session.ready');
      for (let i = 0; i < 2000; i++) c.ws.send('not json');
      expect((await c.closed).code).toBe(4029);
      const errors = c.frames.filter((f) => f.includes('session.error')).length;
      expect(errors).toBeGreaterThan(100);
      expect(errors).toBeLessThan(600);
      expect(logs.some((l) => l.includes('invalid frames/s') && l.includes('4029'))).toBe(true);
      // A client that makes a few mistakes is still answered every time.
      const t2 = mock.issueToken();
      const c2 = connect(`${t2.url}?token=${t2.token}`);
      await c2.next((f) => f.type === 'session.ready');
      for (let i = 0; i < 20; i++) c2.ws.send('not json');
      c2.send({ type: 'ping' });
      await c2.next((f) => f.type === 'pong');
      expect(c2.frames.filter((f) => f.includes('session.error')).length).toBe(20);
      c2.ws.close();
    } finally {
      await mock.close();
    }
  });
});
