// Prism supervision: never orphaned (not even after a SIGKILL of the mock), /health tells the truth about it,
// a silent Prism is detected and replaced, and no Prism exchange can hold a pool socket forever.
import { readFileSync } from 'node:fs';
import { createServer, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestMock, type RestMock } from '../src/index.js';
import { forwardToPrism, UpstreamError } from '../src/prism/child.js';
import { childPids, startCli, waitFor } from './hardening-helpers.js';

/** Alive and not a zombie (a re-parented child may linger as a zombie until init reaps it). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

const AUTH = { Authorization: 'Bearer sk_test_harden' };

describe('Prism is never orphaned', () => {
  it('SIGKILL of the mock CLI takes its Prism child with it', async () => {
    const cli = await startCli();
    let prismPid: number | undefined;
    try {
      await waitFor(async () => (prismPid = (await childPids(cli.child.pid!))[0]) !== undefined, 'the Prism child');
      expect(running(prismPid!)).toBe(true);
      expect(readFileSync(`/proc/${prismPid}/cmdline`, 'utf8')).toMatch(/prism/);
      cli.child.kill('SIGKILL');
      await cli.exit;
      await waitFor(() => !running(prismPid!), `Prism pid ${prismPid} to exit after its parent was SIGKILLed`, 10_000);
    } finally {
      cli.child.kill('SIGKILL');
      if (prismPid && running(prismPid)) process.kill(prismPid, 'SIGKILL');
    }
  }, 60_000);
});

describe('/health reports Prism', () => {
  let mock: RestMock;
  const logs: string[] = [];
  beforeAll(async () => {
    mock = await startRestMock({ port: 0, prismHealthIntervalMs: 200, log: (l) => logs.push(l) });
  });
  afterAll(async () => {
    await mock?.close();
  });

  const health = async () => {
    const r = await fetch(`${mock.url}/health`);
    return { status: r.status, body: (await r.json()) as { status: string; prism: string; prism_restarts: number } };
  };

  it('ok while Prism answers', async () => {
    expect(await health()).toMatchObject({ status: 200, body: { status: 'ok', prism: 'up' } });
  });

  it('a dead Prism: 503 degraded, then restarted and ok again', async () => {
    const pid = mock.prismPid!;
    process.kill(pid, 'SIGKILL');
    let degraded: { status: number; body: { status: string; prism: string } } | undefined;
    await waitFor(async () => {
      const h = await health();
      if (h.status === 503) degraded ??= h;
      return !!degraded && h.status === 200;
    }, 'degraded then ok', 40_000);
    expect(degraded!.body.status).toBe('degraded');
    expect(['down', 'starting']).toContain(degraded!.body.prism);
    expect(mock.prismPid).not.toBe(pid);
    expect(logs.some((l) => l.includes('Prism exited'))).toBe(true);
  }, 60_000);

  it('a live but silent Prism (SIGSTOP): reported unresponsive, killed, replaced', async () => {
    const pid = mock.prismPid!;
    const restarts = mock.prismRestarts;
    process.kill(pid, 'SIGSTOP');
    try {
      let sawUnresponsive = false;
      await waitFor(async () => {
        const h = await health();
        if (h.status === 503 && h.body.prism === 'unresponsive') sawUnresponsive = true;
        return sawUnresponsive && h.status === 200;
      }, 'unresponsive then ok', 50_000);
      expect(mock.prismPid).not.toBe(pid);
      expect(mock.prismRestarts).toBe(restarts + 1);
      expect(running(pid)).toBe(false);
      const r = await fetch(`${mock.url}/v1/agents`, { headers: AUTH });
      expect(r.status).toBe(200);
    } finally {
      if (running(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 60_000);
});

describe('the Prism pool cannot be exhausted forever', () => {
  let blackHole: Server;
  let port: number;
  beforeAll(async () => {
    // Answers /ok at once and never answers anything else: a wedged upstream.
    blackHole = createServer((req, res) => {
      if (req.url === '/ok') res.end('ok');
    });
    await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', () => r()));
    port = (blackHole.address() as AddressInfo).port;
  });
  afterAll(async () => {
    blackHole.closeAllConnections();
    await new Promise((r) => blackHole.close(r));
  });

  it('forwardToPrism: requests that never get an answer time out and free their sockets', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const target = { host: '127.0.0.1', port };
    const stuck = await Promise.allSettled(Array.from({ length: 16 }, () => forwardToPrism(target, { method: 'POST', path: '/wedge', headers: {}, body: Buffer.from('{}') }, { timeoutMs: 300, agent })));
    for (const s of stuck) {
      expect(s.status).toBe('rejected');
      expect((s as PromiseRejectedResult).reason).toBeInstanceOf(UpstreamError);
      expect(((s as PromiseRejectedResult).reason as UpstreamError).code).toBe('timeout');
    }
    const ok = await forwardToPrism(target, { method: 'GET', path: '/ok', headers: {} }, { timeoutMs: 2000, agent });
    expect(ok.body.toString()).toBe('ok');
    agent.destroy();
  });

  it('64 concurrent charset=utf-16 POSTs (which Prism never answers) do not wedge the REST mock', async () => {
    // Stateless: every answer comes from Prism, so the forwarding path is what is under test.
    const mock = await startRestMock({ port: 0, stateless: true, upstreamTimeoutMs: 1500, log: () => undefined } as Parameters<typeof startRestMock>[0]);
    try {
      const answers = await Promise.all(
        Array.from({ length: 64 }, () =>
          fetch(`${mock.url}/v1/sessions`, {
            method: 'POST',
            headers: { ...AUTH, 'Content-Type': 'application/json; charset=utf-16' },
            body: '{"mode":"bidirectional_translation"}',
            signal: AbortSignal.timeout(20_000),
          }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: { type: string } } })),
        ),
      );
      // Refused or failed in the API's envelope, but answered.
      for (const a of answers) {
        expect(a.status).toBeGreaterThanOrEqual(400);
        expect(a.body.error?.type).toBeTypeOf('string');
      }
      const after = await fetch(`${mock.url}/v1/agents`, { headers: AUTH, signal: AbortSignal.timeout(10_000) });
      expect(after.status).toBe(200);
      expect((await fetch(`${mock.url}/health`)).status).toBe(200);
    } finally {
      await mock.close();
    }
  }, 60_000);
});
