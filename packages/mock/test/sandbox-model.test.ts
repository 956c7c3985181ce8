// Model-based test: fast-check generates command sequences and runs them against the engine (in-process, fast)
// and, in a smaller run, through the HTTP adapter. After every command the answer must equal the reference
// model's and validate against the spec. The seed is fixed (KALLGLOT_MODEL_SEED overrides it) and fast-check
// prints it, with the shrunk counterexample, on failure.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockControl, startMock, type RunningMock } from '../src/index.js';
import { ApiFailure, Engine, type EngineRequest } from '../src/engine-entry.js';
import { KEYS, MODES, Model, type Cmd, type Expect } from './helpers/model.js';
import { oas } from './helpers/sandbox.js';
import { schemaErrors } from './helpers/spec.js';

const SEED = Number(process.env.KALLGLOT_MODEL_SEED ?? 20261201);
const CREDITS = 6;
const errorValidator = oas.schema('Error');

const t = fc.integer({ min: 0, max: 1 });
const ref = fc.nat({ max: 7 });
const idem = fc.option(fc.constantFrom('k1', 'k2'), { nil: null });
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ k: fc.constant('createSession' as const), t, rec: fc.boolean(), agent: fc.option(ref, { nil: null }), idem, variant: fc.nat({ max: 1 }) }),
  fc.record({ k: fc.constantFrom('getSession' as const, 'endSession' as const, 'dial' as const, 'hangup' as const, 'transcript' as const), t, ref }),
  fc.record({ k: fc.constant('final' as const), ref, text: fc.constantFrom('Hello there.', 'My order is late.', 'Thanks, that helps.'), speaker: fc.constantFrom('agent' as const, 'customer' as const) }),
  fc.record({ k: fc.constant('advance' as const), ms: fc.constantFrom(500, 1000, 2500) }),
  fc.record({ k: fc.constant('createAgent' as const), t, idem, variant: fc.nat({ max: 1 }), shuffle: fc.boolean() }),
  fc.record({ k: fc.constantFrom('getAgent' as const, 'deleteAgent' as const), t, ref }),
  fc.record({ k: fc.constant('patchAgent' as const), t, ref, clear: fc.boolean(), temperature: fc.constantFrom(0.1, 0.9) }),
  fc.record({ k: fc.constant('listAgents' as const), t, limit: fc.integer({ min: 1, max: 3 }), after: fc.boolean() }),
);

interface Answer {
  status: number;
  body: any;
}

/** One way to reach the sandbox: the engine in-process, or HTTP. */
interface Driver {
  call(req: EngineRequest): Promise<Answer>;
  final(sessionId: string, turn: { sequence: number; speaker: string; language: string; text: string }): void;
  advance(ms: number): Promise<void>;
  now(): number;
}

const ROUTES: Record<string, (p: Record<string, string>) => [string, string]> = {
  createSession: () => ['POST', '/v1/sessions'],
  retrieveSession: (p) => ['GET', `/v1/sessions/${p.session_id}`],
  endSession: (p) => ['POST', `/v1/sessions/${p.session_id}/end`],
  dialSession: (p) => ['POST', `/v1/sessions/${p.session_id}/dial`],
  hangupSession: (p) => ['POST', `/v1/sessions/${p.session_id}/hangup`],
  retrieveSessionTranscript: (p) => ['GET', `/v1/sessions/${p.session_id}/transcript`],
  createAgent: () => ['POST', '/v1/agents'],
  retrieveAgent: (p) => ['GET', `/v1/agents/${p.agent_id}`],
  updateAgent: (p) => ['PATCH', `/v1/agents/${p.agent_id}`],
  deleteAgent: (p) => ['DELETE', `/v1/agents/${p.agent_id}`],
  listAgents: () => ['GET', '/v1/agents'],
};

function engineDriver(engine: Engine): Driver {
  return {
    async call(req) {
      try {
        const r = engine.handle(req);
        return { status: r.status, body: r.body };
      } catch (e) {
        if (!(e instanceof ApiFailure)) throw e;
        const err: Record<string, unknown> = { type: e.type, code: e.code, message: e.message, request_id: 'req_Model0' };
        if (e.param) err.param = e.param;
        return { status: e.status, body: { error: err } };
      }
    },
    final(id, turn) {
      const f = engine.findSession(id);
      if (!f) return;
      engine.streamOpened(f.tenant, id);
      engine.streamFinal(f.tenant, id, turn);
    },
    async advance(ms) {
      engine.clock.advance(ms);
    },
    now: () => engine.clock.now(),
  };
}

function httpDriver(mock: RunningMock): Driver {
  const control = createMockControl(mock.urls.rest);
  return {
    async call(req) {
      const [method, path] = ROUTES[req.operationId]!(req.params);
      const q = new URLSearchParams(Object.entries(req.query ?? {}).map(([k, v]) => [k, String(v)]));
      const headers: Record<string, string> = { Authorization: `Bearer ${req.tenant}` };
      if (req.body !== undefined) headers['Content-Type'] = 'application/json';
      if (req.idempotencyKey) headers['Idempotency-Key'] = req.idempotencyKey;
      const res = await fetch(`${mock.urls.rest}${path}${q.size ? `?${q}` : ''}`, { method, headers, body: req.body === undefined ? undefined : JSON.stringify(req.body) });
      return { status: res.status, body: await res.json() };
    },
    final(id, turn) {
      mock.registry.markActive(id);
      mock.registry.final(id, turn);
    },
    async advance(ms) {
      await control.advance(ms);
    },
    now: () => mock.engine.clock.now(),
  };
}

function checkSpec(operationId: string, a: Answer) {
  const v = a.status >= 400 ? errorValidator : oas.response(operationId, a.status);
  expect(schemaErrors(v, a.body), `${operationId} ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`).toEqual([]);
}

function compare(a: Answer, want: Expect, what: string) {
  expect(a.status, `${what}: ${JSON.stringify(a.body).slice(0, 300)}`).toBe(want.status);
  if (want.code) expect(a.body.error.code, what).toBe(want.code);
  if (want.replayOf !== undefined) expect(a.body, what).toEqual(want.replayOf);
  if (want.fields) for (const [k, v] of Object.entries(want.fields)) expect(a.body[k], `${what}.${k}`).toEqual(v);
  if (want.ids) expect(a.body.data.map((x: any) => x.id), what).toEqual(want.ids);
}

async function run(d: Driver, cmds: Cmd[]) {
  const m = new Model(d.now(), CREDITS);
  for (const c of cmds) {
    const call = async (req: EngineRequest, want: Expect) => {
      const a = await d.call(req);
      checkSpec(req.operationId, a);
      compare(a, want, `${c.k} ${JSON.stringify(c)}`);
      return a;
    };
    switch (c.k) {
      case 'createSession': {
        const body: Record<string, unknown> = { mode: MODES[c.variant]!, recording: { enabled: c.rec } };
        const agent = c.agent === null ? undefined : m.agents[c.agent % Math.max(1, m.agents.length)];
        if (c.agent !== null) Object.assign(body, { mode: 'ai_agent', ai_agent: { agent_id: agent?.id ?? 'agt_Unknown0' } });
        const slot = c.idem ? `s|${c.idem}` : null;
        const pre = m.idemCheck(c.t, slot, body);
        const agentOk = c.agent === null || (agent && agent.owner === c.t && !agent.deleted);
        const want: Expect = pre ?? (!agentOk ? { status: 404, code: 'ai_agent_not_found' } : m.credits[c.t]! <= 0 ? { status: 402, code: 'insufficient_api_credits' } : { status: 201, fields: { status: 'created', mode: body.mode, recording: { enabled: c.rec } } });
        const a = await call({ operationId: 'createSession', tenant: KEYS[c.t]!, params: {}, body, idempotencyKey: c.idem ?? undefined }, want);
        if (!pre && a.status === 201) {
          m.credits[c.t]!--;
          m.sessions.push({ id: a.body.id, owner: c.t, mode: String(body.mode), rec: c.rec, status: 'created', createdAt: m.now, turns: [], call: null });
          m.remember(c.t, slot, body, 201, a.body);
        }
        break;
      }
      case 'getSession':
      case 'transcript': {
        const s = m.session(c.t, c.ref);
        const op = c.k === 'getSession' ? 'retrieveSession' : 'retrieveSessionTranscript';
        let want: Expect = { status: 404, code: 'session_not_found' };
        if (s && c.k === 'getSession') want = { status: 200, fields: { ...m.sessionView(s), call: undefined } };
        if (s && c.k === 'transcript') want = { status: 200, fields: { status: s.status === 'ended' ? 'completed' : 'in_progress', session_id: s.id } };
        const a = await call({ operationId: op, tenant: KEYS[c.t]!, params: { session_id: m.sessionRefId(c.ref) } }, { ...want, fields: want.fields ? Object.fromEntries(Object.entries(want.fields).filter(([, v]) => v !== undefined)) : undefined });
        if (s && a.status === 200 && c.k === 'getSession') {
          expect(a.body.call?.status ?? null).toBe(m.callStatus(s));
          expect('stream' in a.body).toBe(s.status !== 'ended');
        }
        if (s && a.status === 200 && c.k === 'transcript') expect(a.body.turns.map((x: any) => [x.sequence, x.speaker, x.text])).toEqual(s.turns.map((x) => [x.sequence, x.speaker, x.text]));
        break;
      }
      case 'endSession': {
        const s = m.session(c.t, c.ref);
        if (s && s.status !== 'ended') {
          if (s.call && m.callActive(s)) s.call.hungUp = true;
          s.status = 'ended';
          s.endedAt = m.now;
        }
        await call({ operationId: 'endSession', tenant: KEYS[c.t]!, params: { session_id: m.sessionRefId(c.ref) } }, s ? { status: 200, fields: { id: s.id, status: 'ended', duration_seconds: m.duration(s) } } : { status: 404, code: 'session_not_found' });
        break;
      }
      case 'dial': {
        const s = m.session(c.t, c.ref);
        const want: Expect = !s ? { status: 404, code: 'session_not_found' } : s.status === 'ended' ? { status: 409, code: 'session_ended' } : m.callActive(s) ? { status: 409, code: 'call_already_active' } : { status: 200, fields: { status: 'dialing', to: '+14155550101' } };
        const a = await call({ operationId: 'dialSession', tenant: KEYS[c.t]!, params: { session_id: m.sessionRefId(c.ref) }, body: { to: '+14155550101' } }, want);
        if (s && a.status === 200) s.call = { dialAt: m.now, hungUp: false };
        break;
      }
      case 'hangup': {
        const s = m.session(c.t, c.ref);
        const want: Expect = !s ? { status: 404, code: 'session_not_found' } : s.status === 'ended' ? { status: 409, code: 'session_ended' } : !m.callActive(s) ? { status: 409, code: 'no_active_call' } : { status: 200, fields: { status: 'ended' } };
        const a = await call({ operationId: 'hangupSession', tenant: KEYS[c.t]!, params: { session_id: m.sessionRefId(c.ref) } }, want);
        if (s && a.status === 200) s.call!.hungUp = true;
        break;
      }
      case 'final': {
        const s = m.sessions[c.ref % Math.max(1, m.sessions.length)];
        if (!s) break;
        const seq = s.turns.length + 1;
        d.final(s.id, { sequence: seq, speaker: c.speaker, language: 'en', text: c.text });
        if (s.status !== 'ended') {
          if (s.status === 'created') {
            s.status = 'active';
            s.startedAt = m.now;
          }
          s.turns.push({ sequence: seq, speaker: c.speaker, text: c.text });
        }
        break;
      }
      case 'advance':
        await d.advance(c.ms);
        m.now += c.ms;
        expect(d.now()).toBe(m.now);
        break;
      case 'createAgent': {
        const body: Record<string, unknown> = c.variant ? { name: 'Ada', system_prompt: 'Be brief.', temperature: 0.5 } : { name: 'Bob', system_prompt: 'Be kind.' };
        const sent = c.shuffle ? Object.fromEntries(Object.entries(body).reverse()) : body;
        const slot = c.idem ? `a|${c.idem}` : null;
        const pre = m.idemCheck(c.t, slot, body);
        const a = await call({ operationId: 'createAgent', tenant: KEYS[c.t]!, params: {}, body: sent, idempotencyKey: c.idem ?? undefined }, pre ?? { status: 201, fields: body });
        if (!pre && a.status === 201) {
          m.agents.push({ id: a.body.id, owner: c.t, fields: { ...body }, deleted: false });
          m.remember(c.t, slot, body, 201, a.body);
        }
        break;
      }
      case 'getAgent':
      case 'deleteAgent': {
        const ag = m.agent(c.t, c.ref);
        const op = c.k === 'getAgent' ? 'retrieveAgent' : 'deleteAgent';
        const want: Expect = !ag ? { status: 404, code: 'agent_not_found' } : c.k === 'getAgent' ? { status: 200, fields: { id: ag.id, ...ag.fields } } : { status: 200, fields: { id: ag.id, deleted: true } };
        const a = await call({ operationId: op, tenant: KEYS[c.t]!, params: { agent_id: m.agentRefId(c.ref) } }, want);
        if (ag && a.status === 200 && c.k === 'deleteAgent') ag.deleted = true;
        break;
      }
      case 'patchAgent': {
        const ag = m.agent(c.t, c.ref);
        const patch = c.clear ? { knowledge_base_id: null } : { temperature: c.temperature };
        if (ag) Object.assign(ag.fields, patch);
        await call({ operationId: 'updateAgent', tenant: KEYS[c.t]!, params: { agent_id: m.agentRefId(c.ref) }, body: patch }, ag ? { status: 200, fields: ag.fields } : { status: 404, code: 'agent_not_found' });
        break;
      }
      case 'listAgents': {
        const after = c.after ? m.cursor[c.t]! : null;
        const query: Record<string, unknown> = { limit: c.limit };
        if (after) query.starting_after = after;
        const want = m.listPage(c.t, c.limit, after);
        const a = await call({ operationId: 'listAgents', tenant: KEYS[c.t]!, params: {}, query }, want);
        if (a.status === 200) m.cursor[c.t] = a.body.next_cursor;
        else m.cursor[c.t] = null;
        break;
      }
    }
  }
}

describe('model-based: the sandbox answers like the reference model, and every answer is valid', () => {
  it('engine in-process: 300 command sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 40 }), async (cmds) => {
        const engine = new Engine({ clock: { scale: 0, start: Date.UTC(2026, 0, 1) }, credits: CREDITS });
        await run(engineDriver(engine), cmds);
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  describe('through the HTTP adapter', () => {
    let mock: RunningMock;
    beforeAll(async () => {
      mock = await startMock({ restPort: 0, streamPort: 0, docsDir: false, timeScale: 0, credits: CREDITS, log: () => undefined });
    });
    afterAll(async () => {
      await mock?.close();
    });
    it('30 command sequences over real HTTP', async () => {
      const control = createMockControl(mock.urls.rest);
      await fc.assert(
        fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 25 }), async (cmds) => {
          await control.reset();
          await run(httpDriver(mock), cmds);
        }),
        { numRuns: 30, seed: SEED },
      );
    });
  });
});
