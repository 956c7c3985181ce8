// The contract suite: exercises the operations of the OpenAPI document against a server, validates every
// response (status, headers, body) and every stream frame with Ajv 2020, and returns a SuiteReport.
// Against anything but a mock it is read-only unless `writes` is on: creating sessions costs credits.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { loadContract, type Contract, type Json, type SpecPaths } from './internal/contract.js';
import { describeErrors, type Waiver } from './internal/errors.js';
import { exampleBody } from './internal/examples.js';
import { checkFrame, checkResponse, type Finding } from './internal/validate.js';
import { summarize, waiverSummary, type Check, type Skipped, type SuiteReport } from './report.js';

export interface SuiteOptions {
  /** REST origin, e.g. http://127.0.0.1:4010 (a trailing /v1 is tolerated). */
  baseUrl: string;
  /** Override for the stream origin (default: the stream.url the server returns). */
  streamUrl?: string;
  apiKey?: string;
  /** Allow requests that create or change things (default off: they cost credits on the real API). */
  writes?: boolean;
  /** Provoke every documented status with the mock's `Prefer: code=NNN` selector. */
  prefer?: boolean;
  /** Where the Prefer pass goes (a stateless mock), when not `baseUrl` itself. */
  preferBaseUrl?: string;
  /** Count deviations in inferred parts of the contract as failures. */
  strict?: boolean;
  /** Narrow the run: operationIds, `stream`, `webhooks`. */
  only?: string[];
  /** Read-only runs can still read one existing session. */
  sessionId?: string;
  /** Body for createSession (default: the spec's first example). */
  sessionBody?: Json;
  waivers?: Waiver[];
  /** Label only: the target is a mock. */
  mock?: boolean;
  timeoutMs?: number;
  specPaths?: SpecPaths;
}

export class ConnectionError extends Error {
  override name = 'ConnectionError';
}

const DEFAULT_KEY = 'sk_test_contract_suite';
const WRITE_REASON = 'a write (creates or changes data, which costs credits on the real API); pass --allow-writes';

export async function runSuite(o: SuiteOptions): Promise<SuiteReport> {
  const started = Date.now();
  const contract: Contract = loadContract(o.specPaths);
  const apiKey = o.apiKey ?? DEFAULT_KEY;
  const timeoutMs = o.timeoutMs ?? 15_000;
  const writes = !!o.writes;
  const strict = !!o.strict;
  const only = o.only ?? [];
  const waivers = o.waivers ?? [];
  const v1 = contract.operations.every((x) => x.path.startsWith('/v1/'));
  const normalize = (u: string) => (v1 ? u.replace(/\/+$/, '').replace(/\/v1$/, '') : u.replace(/\/+$/, ''));
  let base = normalize(String(o.baseUrl));
  const mainBase = base;

  const checks: Check[] = [];
  const skipped: Skipped[] = [];
  const notes: string[] = [];
  const ids: Record<string, string> = {};
  const observed = new Map(contract.operations.map((x) => [x.operationId, new Set<number>()]));
  const { byId } = contract;
  let answered = false;

  const selected = (id: string) => byId.has(id) && (only.length === 0 || only.includes(id));
  const streamSelected = only.length === 0 || only.includes('stream');

  const record = (group: string, f: Finding, operation?: string) => {
    const status = f.ok ? 'pass' : f.inferred ? 'inferred' : 'fail';
    checks.push({ id: checks.length + 1, group, name: f.name, status, ok: status === 'pass' || (status === 'inferred' && !strict), message: f.ok ? '' : f.message, ...(operation ? { operation } : {}) });
    return f.ok;
  };
  const check = (group: string, name: string, ok: unknown, message = '', operation?: string) => record(group, { name, ok: !!ok, message }, operation);
  const skip = (what: string, reason: string) => skipped.push({ what, reason });

  function urlFor(path: string, pathIds: Record<string, string>, query?: Record<string, string>) {
    const p = path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(pathIds[name] ?? placeholderId(name)));
    return `${base}${p}${query ? `?${new URLSearchParams(query)}` : ''}`;
  }

  interface CallOptions {
    label?: string;
    body?: Json;
    headers?: Record<string, string>;
    auth?: boolean;
    pathIds?: Record<string, string>;
    query?: Record<string, string>;
    expect?: number | number[];
    prefer?: string;
  }
  /** Sends one request and validates the response against the operation. */
  async function call(operationId: string, c: CallOptions = {}): Promise<{ status: number; json?: Json } | undefined> {
    const op = byId.get(operationId)!;
    const group = `REST ${operationId}`;
    const h: Record<string, string> = { Accept: 'application/json, */*', ...c.headers };
    if (c.auth !== false) h.Authorization = `Bearer ${apiKey}`;
    if (c.prefer) h.Prefer = c.prefer;
    let payload: string | undefined;
    if (c.body !== undefined) {
      h['Content-Type'] ??= 'application/json';
      payload = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
    }
    const url = urlFor(op.path, c.pathIds ?? ids, c.query);
    const what = `${op.method} ${new URL(url).pathname}${c.label ? ` [${c.label}]` : ''}`;
    let res: Response;
    try {
      res = await fetch(url, { method: op.method, headers: h, body: payload, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (!answered) throw new ConnectionError(`cannot reach ${base}: ${err.cause?.code ?? err.cause?.message ?? err.message}`);
      check(group, `${what}: request completes`, false, `${err.name}: ${err.message}`, operationId);
      return undefined;
    }
    answered = true;
    const bytes = Buffer.from(await res.arrayBuffer());
    const { findings, json } = checkResponse(contract, op, what, res.status, (n) => res.headers.get(n), bytes, waivers);
    for (const f of findings) record(group, f, operationId);
    observed.get(operationId)!.add(res.status);
    if (c.expect !== undefined) {
      const list = ([] as number[]).concat(c.expect);
      check(group, `${what}: status is ${list.join(' or ')}`, list.includes(res.status), `got ${res.status}${json?.error ? ` ${json.error.code}: ${json.error.message}` : ''}`, operationId);
    }
    return { status: res.status, json };
  }

  const successOf = (opId: string) => {
    const s = Object.keys(byId.get(opId)!.responses).filter((x) => /^2\d\d$/.test(x)).map(Number);
    return s.length ? s : [200];
  };
  const statusesOf = (opId: string, wanted: number[]) => {
    const s = Object.keys(byId.get(opId)!.responses).map(Number).filter((x) => wanted.includes(x));
    return s.length ? s : wanted;
  };
  const body = (opId: string) => exampleBody(contract, byId.get(opId)!);
  const idem = () => ({ 'Idempotency-Key': randomUUID() });
  /** Runs a write step when writes are on, else records why it was skipped. */
  const write = async (opId: string, fn: () => Promise<unknown>) => {
    if (!selected(opId)) return;
    if (writes) await fn();
    else skip(`${opId} (${byId.get(opId)!.method} ${byId.get(opId)!.path})`, WRITE_REASON);
  };
  const read = async (opId: string, needs: string | undefined, fn: () => Promise<unknown>) => {
    if (!selected(opId)) return;
    if (needs && !ids[needs]) skip(`${opId} (${byId.get(opId)!.method} ${byId.get(opId)!.path})`, `needs a ${needs} the run could not obtain${writes ? '' : ' without a write (pass --allow-writes, or --session-id for sessions)'}`);
    else await fn();
  };

  // ---------- agents ----------
  const agentOps = ['createAgent', 'retrieveAgent', 'updateAgent', 'deleteAgent'];
  if (writes && agentOps.some(selected) && byId.has('createAgent')) {
    const r = await call('createAgent', { body: body('createAgent'), headers: idem(), expect: successOf('createAgent') });
    if (r?.json?.id) ids.agent_id = r.json.id;
  } else if (selected('createAgent')) await write('createAgent', async () => {});
  if (selected('listAgents') || (!writes && selected('retrieveAgent'))) {
    const r = await call('listAgents', { query: { limit: '2' }, expect: successOf('listAgents') });
    if (!ids.agent_id && r?.json?.data?.[0]?.id) ids.agent_id = r.json.data[0].id;
  }
  await read('retrieveAgent', 'agent_id', () => call('retrieveAgent', { expect: successOf('retrieveAgent') }));
  await write('updateAgent', () => call('updateAgent', { body: body('updateAgent'), expect: successOf('updateAgent') }));

  // ---------- sessions ----------
  const sessionOps = ['createSession', 'retrieveSession', 'dialSession', 'hangupSession', 'endSession', 'retrieveSessionTranscript', 'listSessionRecordings', 'retrieveRecording', 'downloadRecordingAudio', 'createSessionAnalysis', 'retrieveAnalysis'];
  const sessionBody = o.sessionBody ?? (byId.has('createSession') ? body('createSession') : undefined);
  let session: Json;
  if (writes && byId.has('createSession') && (sessionOps.some(selected) || streamSelected)) {
    const key = randomUUID();
    const r = await call('createSession', { body: sessionBody, headers: { 'Idempotency-Key': key }, expect: successOf('createSession') });
    session = r?.json;
    if (session?.id) ids.session_id = session.id;
    if (selected('createSession')) {
      // Idempotency: same key + same body replays; same key + another body is refused with idempotency_mismatch.
      const replay = await call('createSession', { label: 'idempotent replay', body: sessionBody, headers: { 'Idempotency-Key': key }, expect: successOf('createSession') });
      if (replay?.json && session) check('REST createSession', 'POST /v1/sessions [idempotent replay]: same body as the first response', replay.json.id === session.id, `replayed id ${replay.json.id} ≠ first id ${session.id}`, 'createSession');
      const mismatch = await call('createSession', { label: 'idempotency mismatch', body: { ...sessionBody, metadata: { contract_suite: 'different-body' } }, headers: { 'Idempotency-Key': key }, expect: 400 });
      if (mismatch?.json?.error) check('REST createSession', 'POST /v1/sessions [idempotency mismatch]: code idempotency_mismatch', mismatch.json.error.code === 'idempotency_mismatch', `got code ${mismatch.json.error.code}`, 'createSession');
      await call('createSession', { label: 'missing mode', body: {}, expect: statusesOf('createSession', [400, 422]) });
      await call('createSession', { label: 'forbidden provider object', body: { ...sessionBody, provider: { type: 'twilio' } }, expect: statusesOf('createSession', [400, 422]) });
      await call('createSession', { label: 'body is not JSON', body: '{"mode":', expect: statusesOf('createSession', [400, 422]) });
    }
  } else if (selected('createSession')) await write('createSession', async () => {});
  if (!writes && o.sessionId) ids.session_id = o.sessionId;

  await read('retrieveSession', 'session_id', () => call('retrieveSession', { expect: successOf('retrieveSession') }));
  await write('dialSession', () => call('dialSession', { body: body('dialSession'), headers: idem() }));
  await write('hangupSession', () => call('hangupSession', { body: body('hangupSession') }));

  // ---------- stream ----------
  const stream = { frames: 0, types: {} as Record<string, number>, closeCodes: [] as number[] };
  if (streamSelected) {
    if (session?.stream?.url && session?.stream?.token) await runStream(session);
    else if (writes) check('Stream', 'createSession returned stream.url and stream.token', false, 'no stream object in the createSession response; the stream flow could not run');
    else {
      skip('stream flow (session.ready, ping/pong, audio, errors, session.end)', 'needs a fresh session from createSession, which is a write; pass --allow-writes');
      if (o.streamUrl && byId.has('createSession')) await refusedToken(streamBase(o.streamUrl, `/v1/sessions/${o.sessionId ?? 'sess_ContractSuiteUnknown0'}/connect`));
    }
  }

  await write('endSession', async () => {
    const r = await call('endSession', { headers: idem(), expect: successOf('endSession') });
    if (r?.json) check('REST endSession', 'end summary says ended', r.json.status === 'ended', `status ${r.json.status}`, 'endSession');
    await call('endSession', { label: 'already ended', expect: successOf('endSession') });
  });
  await read('retrieveSessionTranscript', 'session_id', () => call('retrieveSessionTranscript', { expect: writes ? successOf('retrieveSessionTranscript') : undefined }));
  if (selected('listSessionRecordings') || selected('retrieveRecording') || selected('downloadRecordingAudio')) {
    await read('listSessionRecordings', 'session_id', async () => {
      const r = await call('listSessionRecordings', { expect: writes ? successOf('listSessionRecordings') : undefined });
      if (r?.json?.data?.[0]?.id) ids.recording_id = r.json.data[0].id;
    });
    if (!ids.recording_id && writes) {
      // Nothing recorded: the recording routes still answer (a documented 404 for an id that does not exist).
      ids.recording_id = placeholderId('recording_id');
      notes.push('listSessionRecordings returned no recording; recording routes used an id that does not exist');
    }
  }
  await read('retrieveRecording', 'recording_id', () => call('retrieveRecording'));
  await read('downloadRecordingAudio', 'recording_id', () => call('downloadRecordingAudio', { headers: { Accept: 'audio/mpeg, application/json' } }));
  await write('createSessionAnalysis', async () => {
    const r = await call('createSessionAnalysis', { body: body('createSessionAnalysis'), headers: idem(), expect: successOf('createSessionAnalysis') });
    if (r?.json?.id) ids.analysis_id = r.json.id;
  });
  await read('retrieveAnalysis', 'analysis_id', () => call('retrieveAnalysis', { expect: successOf('retrieveAnalysis') }));
  await write('deleteAgent', () => call('deleteAgent', { expect: successOf('deleteAgent') }));

  const flow = new Set([...agentOps, 'listAgents', ...sessionOps]);
  for (const op of contract.operations) {
    if (flow.has(op.operationId) || !selected(op.operationId)) continue;
    if (op.method === 'GET' || writes) await call(op.operationId, { body: exampleBody(contract, op) });
    else skip(`${op.operationId} (${op.method} ${op.path})`, WRITE_REASON);
  }

  // ---------- errors any server produces (none of these can change anything) ----------
  for (const op of contract.operations) {
    if (!op.secured || !selected(op.operationId)) continue;
    await call(op.operationId, { label: 'no API key', auth: false, body: exampleBody(contract, op), expect: 401 });
  }
  const unknown = { session_id: 'sess_ContractSuiteUnknown0', agent_id: 'agt_ContractSuiteUnknown0', recording_id: 'rec_ContractSuiteUnknown0', analysis_id: 'anl_ContractSuiteUnknown0' };
  for (const opId of ['retrieveSession', 'retrieveAgent', 'retrieveRecording', 'retrieveAnalysis']) {
    if (selected(opId)) await call(opId, { label: 'unknown id', pathIds: { ...ids, ...unknown } });
  }
  if (selected('listAgents')) await call('listAgents', { label: 'limit out of range', query: { limit: '1000' }, expect: statusesOf('listAgents', [400, 422]) });

  // ---------- every documented status, through the mock's response selector ----------
  if (o.prefer && writes) await preferEveryStatus();
  else if (o.prefer) skip('Prefer: code=NNN for every documented status', 'the Prefer selector sends writes too; pass --allow-writes');

  // ---------- coverage ----------
  const coverage = contract.operations
    .filter((op) => selected(op.operationId))
    .map((op) => {
      const documented = Object.keys(op.responses);
      const seen = [...observed.get(op.operationId)!].sort().map(String);
      return { operationId: op.operationId, method: op.method, path: op.path, documented, observed: seen, missing: documented.filter((s) => !seen.includes(s)) };
    });
  for (const c of coverage) {
    if (c.observed.length === 0 && skipped.some((s) => s.what.startsWith(`${c.operationId} `))) continue;
    check(`REST ${c.operationId}`, `${c.operationId} was exercised`, c.observed.length > 0, 'no response was received for this operation', c.operationId);
  }

  const partial = {
    tool: 'kallglot-contract' as const,
    command: 'test' as const,
    target: { baseUrl: base, streamUrl: o.streamUrl ?? session?.stream?.url ?? null, mock: !!o.mock },
    mode: { writes, prefer: !!o.prefer && writes, strict, only },
    spec: {
      openapi: contract.openapi.info?.version,
      asyncapi: contract.asyncapi.info?.version,
      operations: contract.operations.length,
      serverMessages: [...contract.serverMessages.keys()],
      clientMessages: [...contract.clientMessages.keys()],
    },
    coverage,
    stream,
    skipped,
    notes,
    waivers: waiverSummary(waivers),
    checks,
  };
  return { ...partial, summary: summarize(partial, Date.now() - started) };

  // ---------- helpers needing the closure ----------
  async function preferEveryStatus() {
    if (o.preferBaseUrl) base = normalize(o.preferBaseUrl);
    try {
      if (await honoursPrefer()) await preferPass();
      else skip('Prefer: code=NNN for every documented status', 'the target ignores the Prefer selector (a stateful mock answers from its state; start one with --stateless for this pass)');
    } finally {
      base = mainBase;
    }
  }

  /** One probe outside the report: does the target answer the status Prefer asks for? */
  async function honoursPrefer(): Promise<boolean> {
    const op = contract.operations.find((x) => x.method === 'GET' && !x.path.includes('{') && x.responses['503']) ?? contract.operations.find((x) => x.method === 'GET' && x.responses['503']);
    if (!op) return true;
    try {
      const res = await fetch(urlFor(op.path, ids), { headers: { Authorization: `Bearer ${apiKey}`, Prefer: 'code=503', Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer();
      return res.status === 503;
    } catch {
      return false;
    }
  }

  async function preferPass() {
    // Fresh things to point at: a stateful server may have forgotten the flow's agent and session by now.
    if (byId.has('createAgent') && agentOps.some(selected)) {
      const r = await call('createAgent', { label: 'for Prefer', body: body('createAgent'), headers: idem() });
      if (r?.json?.id) ids.agent_id = r.json.id;
    }
    if (byId.has('createSession') && sessionOps.some(selected)) {
      const r = await call('createSession', { label: 'for Prefer', body: sessionBody, headers: idem() });
      if (r?.json?.id) ids.session_id = r.json.id;
    }
    // Destructive operations last, so the others still find what they point at.
    const last = ['endSession', 'deleteAgent'];
    const ordered = [...contract.operations].sort((a, b) => Number(last.includes(a.operationId)) - Number(last.includes(b.operationId)));
    for (const op of ordered) {
      if (!selected(op.operationId)) continue;
      for (const status of Object.keys(op.responses)) {
        if (!/^\d{3}$/.test(status)) continue;
        const headers: Record<string, string> = op.op.parameters?.some((p: Json) => contract.resolve(p)?.name === 'Idempotency-Key') ? idem() : {};
        const accept = Object.keys(op.responses[status]!.content)[0];
        await call(op.operationId, { label: `Prefer code=${status}`, prefer: `code=${status}`, body: exampleBody(contract, op), headers: { ...headers, ...(accept ? { Accept: accept } : {}) }, expect: Number(status) });
      }
    }
  }

  function streamBase(origin: string, path: string): URL {
    const u = new URL(path, origin.replace(/^http/, 'ws'));
    return u;
  }

  async function refusedToken(streamUrl: URL) {
    const badUrl = new URL(streamUrl);
    badUrl.searchParams.set('token', 'not-a-stream-token');
    const refused = await openSocket(badUrl.toString());
    if (refused.ws) {
      const c = await refused.closed!;
      stream.closeCodes.push(c.code);
      check('Stream', 'malformed token → close 4001', c.code === 4001, `close code ${c.code} ${c.reason}`);
    } else check('Stream', 'malformed token → close 4001', false, `upgrade refused: ${refused.error}`);
  }

  async function runStream(sess: Json) {
    const group = 'Stream';
    const streamUrl = new URL(sess.stream.url);
    if (o.streamUrl) {
      const override = new URL(o.streamUrl);
      streamUrl.protocol = override.protocol;
      streamUrl.host = override.host;
    }
    const target = new URL(streamUrl);
    target.searchParams.set('token', sess.stream.token);
    const conn = await openSocket(target.toString());
    if (!check(group, 'connect with the session token', conn.ws, conn.error)) return;
    const { ws, next, closed } = conn as Required<typeof conn>;
    const ready = await next((m) => m.type === 'session.ready');
    check(group, 'first frame is session.ready', ready?.type === 'session.ready' && conn.first!() === 'session.ready', `got ${ready ? JSON.stringify(ready).slice(0, 120) : 'nothing'} (first frame: ${conn.first!() ?? 'none'})`);
    if (ready?.session_id !== undefined) check(group, 'session.ready names this session', ready.session_id === sess.id, `session_id ${ready.session_id} ≠ ${sess.id}`);
    send(ws, { type: 'ping' });
    const pong = await next((m) => m.type === 'pong');
    check(group, 'ping → pong for this session', pong?.type === 'pong' && (pong.session_id === undefined || pong.session_id === sess.id), `got ${JSON.stringify(pong)}`);
    // ~2 s of μ-law silence, paced close to real time (the server may refuse audio faster than that).
    const silence = Buffer.alloc(800, 0xff).toString('base64');
    for (let i = 0; i < 20; i++) {
      const frame = { type: 'audio.input', sequence: i, timestamp_ms: Date.now(), speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: silence } };
      const v = contract.messageValidator(frame.type, 'client');
      if (i === 0) check(group, `client frame ${frame.type} is valid (suite self-check)`, v && v(frame), v ? describeErrors(v.errors, frame) : `no client message ${frame.type}`);
      send(ws, frame);
      await sleep(90);
    }
    await next((m) => m.type === 'transcript.final', 3000);
    send(ws, { type: 'audio.input', sequence: 20, timestamp_ms: Date.now(), speaker: 'customer', audio: { encoding: 'pcm_16', sample_rate_hz: 16000, payload: silence } });
    const err = await next((m) => m.type === 'session.error');
    check(group, 'wrong audio format → session.error invalid_audio_format', err?.code === 'invalid_audio_format', `got ${JSON.stringify(err)}`);
    send(ws, { type: 'control', action: 'mute' });
    const err2 = await next((m) => m.type === 'session.error');
    check(group, 'retired message type → session.error', err2?.type === 'session.error', `got ${JSON.stringify(err2)}`);
    send(ws, { type: 'session.end' });
    const ended = await next((m) => m.type === 'session.ended');
    check(group, 'session.end → session.ended (explicit_end)', ended?.reason === 'explicit_end', `got ${JSON.stringify(ended)}`);
    const close = await closed;
    stream.closeCodes.push(close.code);
    check(group, 'server closes with 1000 after session.ended', close.code === 1000, `close code ${close.code} ${close.reason}`);
    await refusedToken(streamUrl);
    const unseen = [...contract.serverMessages.keys()].filter((t) => !stream.types[t]);
    if (unseen.length) notes.push(`server messages not observed in the stream flow: ${unseen.join(', ')}`);
    for (const code of stream.closeCodes) check(group, `close code ${code} is documented`, contract.closeCodes.size === 0 || contract.closeCodes.has(code), `close code ${code} is not in x-kallglot-close-codes`);
  }

  interface Socket {
    ws?: WebSocket;
    error?: string;
    next?: (pred: (m: Json) => boolean, waitMs?: number) => Promise<Json>;
    closed?: Promise<{ code: number; reason: string }>;
    first?: () => string | undefined;
  }
  function openSocket(url: string): Promise<Socket> {
    return new Promise((resolveOpen) => {
      const ws = new WebSocket(url, { handshakeTimeout: timeoutMs, maxPayload: contract.maxFrameBytes * 4 });
      const queue: Json[] = [];
      let waiter: (() => void) | undefined;
      let closeInfo: { code: number; reason: string } | undefined;
      let resolveClosed!: (v: { code: number; reason: string }) => void;
      const closed = new Promise<{ code: number; reason: string }>((r) => (resolveClosed = r));
      let firstType: string | undefined;
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        stream.frames++;
        const { findings, msg } = checkFrame(contract, 'server', data, isBinary);
        for (const f of findings) record('Stream', f);
        if (msg === undefined) return;
        firstType ??= msg?.type;
        if (typeof msg?.type === 'string') stream.types[msg.type] = (stream.types[msg.type] ?? 0) + 1;
        if (queue.length < 1000) queue.push(msg);
        waiter?.();
      });
      ws.on('close', (code: number, reason: Buffer) => {
        closeInfo = { code, reason: reason.toString() };
        resolveClosed(closeInfo);
        waiter?.();
      });
      ws.on('open', () => resolveOpen({ ws, next, closed, first: () => firstType }));
      ws.on('error', (e: Error) => {
        if (ws.readyState !== WebSocket.OPEN) resolveOpen({ error: e.message });
      });
      async function next(pred: (m: Json) => boolean, waitMs = timeoutMs): Promise<Json> {
        const deadline = Date.now() + waitMs;
        for (;;) {
          const i = queue.findIndex(pred);
          if (i >= 0) return queue.splice(i, 1)[0];
          if (closeInfo || Date.now() > deadline) return undefined;
          // The wait timer is cleared as soon as a frame or the close arrives: a leftover timer would keep
          // the process alive for the whole --timeout after the report is written.
          let timer: NodeJS.Timeout | undefined;
          await new Promise<void>((r) => {
            waiter = r;
            timer = setTimeout(r, Math.max(0, deadline - Date.now()));
          });
          clearTimeout(timer);
          waiter = undefined;
        }
      }
    });
  }
}

function send(ws: WebSocket, msg: Json) {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
}

function placeholderId(name: string): string {
  const prefix = ({ session_id: 'sess_', agent_id: 'agt_', recording_id: 'rec_', analysis_id: 'anl_' } as Record<string, string>)[name] ?? '';
  return `${prefix}ContractSuiteMissing0`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
