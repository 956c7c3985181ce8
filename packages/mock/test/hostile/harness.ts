// The sandbox as a real child process (so a crash or a wedge shows), with a victim tenant whose state must not
// change while another key sends hostile traffic, and the checks every hostile case ends with.
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { getResponse, type RequestHandler } from 'msw';
import { expect } from 'vitest';
import { createKallglotHandlers } from '../../src/msw/index.js';
import { startCli, type Cli } from '../hardening-helpers.js';

export const VICTIM = 'sk_test_victim_0001';
export const ATTACKER = 'sk_test_attacker_0001';
/** Resident memory the sandbox may reach under the hostile suite (it idles near 110 MB). */
export const RSS_LIMIT_BYTES = 400 * 1024 * 1024;

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One HTTP exchange with any method, headers and body bytes (fetch refuses some of these). */
export function send(base: string, method: string, path: string, headers: Record<string, string>, body?: Uint8Array): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, base);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(20_000, () => req.destroy(new Error(`${method} ${path}: no answer in 20 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The answer is in the API's error envelope (or a success), never a 5xx. */
export function expectEnvelope(r: Reply, what: string): void {
  expect(r.status, `${what} → ${r.status} ${r.text.slice(0, 300)}`).toBeLessThan(500);
  if (r.status < 400) return;
  let body: { error?: { type?: unknown; code?: unknown; message?: unknown } } | undefined;
  try { body = JSON.parse(r.text); } catch { /* reported below */ }
  expect(body?.error, `${what} → ${r.status} not in the error envelope: ${r.text.slice(0, 300)}`).toMatchObject({ type: expect.any(String), code: expect.any(String), message: expect.any(String) });
}

export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

const as = (key: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${key}` });

/** How a sandbox is reached: the same request, as bytes, through one adapter. */
export type SendFn = (method: string, path: string, headers: Record<string, string>, body?: Uint8Array) => Promise<Reply>;

/** The victim's state as its own key reads it, and the checks every hostile case ends with. */
async function tenantWalls(sendTo: SendFn): Promise<{ victimState(): Promise<string>; own: Own; before: string }> {
  const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
  const agent = await sendTo('POST', '/v1/agents', as(VICTIM), enc({ name: 'Victim agent', system_prompt: 'Be brief.' }));
  const session = await sendTo('POST', '/v1/sessions', as(VICTIM), enc({ mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' }));
  if (agent.status !== 201 || session.status !== 201) throw new Error(`victim setup failed: ${agent.text} ${session.text}`);
  const victimSession = JSON.parse(session.text) as { id: string };
  const victimState = async () => {
    const [agents, s] = await Promise.all([sendTo('GET', '/v1/agents', as(VICTIM)), sendTo('GET', `/v1/sessions/${victimSession.id}`, as(VICTIM))]);
    const { id, status, mode, agent_id } = JSON.parse(s.text);
    return `${agents.status} ${agents.text} | ${s.status} ${JSON.stringify({ id, status, mode, agent_id })}`;
  };
  const before = await victimState();
  const ownAgent = await sendTo('POST', '/v1/agents', as(ATTACKER), enc({ name: 'Attacker agent', system_prompt: 'x' }));
  const ownSession = await sendTo('POST', '/v1/sessions', as(ATTACKER), enc({ mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' }));
  return { victimState, before, own: { agent: JSON.parse(ownAgent.text).id as string, session: JSON.parse(ownSession.text).id as string } };
}

async function expectWalls(sendTo: SendFn, victimState: () => Promise<string>, before: string, what: string): Promise<void> {
  // The attacker's own tenant still works too: nothing half-stored breaks its reads. (Both reads at once.)
  const [state, ownList] = await Promise.all([victimState(), sendTo('GET', '/v1/agents?limit=100', as(ATTACKER))]);
  expect(state, `victim state after ${what}`).toBe(before);
  expect(ownList.status, `attacker's own agent list after ${what}: ${ownList.text.slice(0, 200)}`).toBe(200);
}

interface Own { agent: string; session: string }

/** The MSW handlers in this process (the same pipeline, intercepted requests instead of a socket). */
export interface MswSandbox {
  send: SendFn;
  own: Own;
  checkAfterCase(what: string): Promise<void>;
  dispose(): void;
}

export async function startMswSandbox(): Promise<MswSandbox> {
  const handlers = createKallglotHandlers({ clock: { scale: 0 }, engine: { rateLimit: 0, credits: 100_000 }, log: () => undefined }) as unknown as RequestHandler[] & { dispose(): void };
  const sendTo: SendFn = async (method, path, headers, body) => {
    // A fetch Request carries no body on GET/HEAD (what any fetch client would send).
    const withBody = body && method !== 'GET' && method !== 'HEAD' ? body : undefined;
    const res = await getResponse(handlers, new Request(`https://api.kallglot.com${path}`, { method, headers, body: withBody as BodyInit | undefined }));
    if (!res) throw new Error(`MSW did not answer ${method} ${path.slice(0, 100)}`);
    const h: Record<string, string> = {};
    res.headers.forEach((v, k) => (h[k] = v));
    return { status: res.status, headers: h, text: await res.text() };
  };
  const walls = await tenantWalls(sendTo);
  return {
    send: sendTo,
    own: walls.own,
    dispose: () => handlers.dispose(),
    async checkAfterCase(what) {
      await expectWalls(sendTo, walls.victimState, walls.before, `${what} (MSW)`);
      expect(process.memoryUsage().rss, `RSS after ${what} (MSW, test process)`).toBeLessThan(RSS_LIMIT_BYTES * 2);
    },
  };
}

export interface Sandbox {
  cli: Cli & { urls: { rest: string; stream: string; health: string } };
  rest: string;
  /** The victim's state as its own key reads it. */
  victimState(): Promise<string>;
  /** Health, victim state unchanged, memory bounded. */
  checkAfterCase(what: string): Promise<void>;
  /** The attacker's own agent and session (hostile cases aim at them). */
  own: Own;
}


export async function startSandbox(extra: string[] = []): Promise<Sandbox> {
  const cli = await startCli(['--rate-limit', '0', '--time-scale', '0', ...extra]);
  const rest = cli.urls.rest;
  const sendTo: SendFn = (method, path, headers, body) => send(rest, method, path, headers, body);
  const { victimState, before, own } = await tenantWalls(sendTo);
  return {
    cli, rest, victimState, own,
    async checkAfterCase(what) {
      expect(cli.child.exitCode, `sandbox exited after ${what}: ${cli.err().slice(-500)}`).toBeNull();
      const [health] = await Promise.all([send(rest, 'GET', '/health', {}), expectWalls(sendTo, victimState, before, what)]);
      expect(health.status, `health after ${what}`).toBe(200);
      expect(rssBytes(cli.child.pid!), `RSS after ${what}`).toBeLessThan(RSS_LIMIT_BYTES);
    },
  };
}
