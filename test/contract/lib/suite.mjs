// The contract suite: exercises every operation of the OpenAPI document against a server, provokes every
// documented status it can, validates every response (status, headers, body) with Ajv 2020, runs the
// stream flow and validates every server frame against the AsyncAPI. Returns a report object
// (see report.mjs for the text / JSON / JUnit renderings).
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { describeErrors, loadContract } from './spec.mjs';

const DEFAULT_KEY = 'sk_test_contract_suite';

/**
 * @param {object} o
 * @param {string} o.baseUrl      REST origin, e.g. http://127.0.0.1:4010 (a trailing /v1 is tolerated)
 * @param {string} [o.streamUrl]  override for the stream origin (default: the stream.url the server returns)
 * @param {string} [o.apiKey]
 * @param {boolean} [o.prefer]    use the mock's `Prefer: code=NNN` selector to provoke every documented status
 * @param {object} [o.specPaths]  { openapi, asyncapi } bundled documents (default @kallglot/spec)
 * @param {object} [o.sessionBody] body for createSession (default: the spec's first example)
 * @param {number} [o.timeoutMs]  per request / per stream wait
 */
export async function runContractSuite(o) {
  const started = Date.now();
  const contract = loadContract(o.specPaths);
  const apiKey = o.apiKey ?? DEFAULT_KEY;
  const timeoutMs = o.timeoutMs ?? 15_000;
  const pathsStartWithV1 = contract.operations.every((x) => x.path.startsWith('/v1/'));
  let base = String(o.baseUrl).replace(/\/+$/, '');
  if (pathsStartWithV1) base = base.replace(/\/v1$/, '');

  const checks = [];
  // Waivers: known, explained deviations of a target (e.g. the local mock serves ws://, the spec says wss://).
  // They are precise (one Ajv error: path + keyword + value) and listed in the report, never silent.
  const waivers = (o.waivers ?? []).map((w) => ({ ...w, used: 0 }));
  function applyWaivers(errors, data, where) {
    return (errors ?? []).filter((e) => {
      const value = e.instancePath.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~')).reduce((x, k) => x?.[k], data);
      const w = waivers.find((w) => w.instancePath.test(e.instancePath) && w.keyword === e.keyword && w.value.test(String(value)));
      if (!w) return true;
      w.used++;
      if (w.used <= 3) notes.push(`waived (${w.reason}): ${where} ${e.instancePath} ${e.message}`);
      return false;
    });
  }
  const observed = new Map(contract.operations.map((x) => [x.operationId, new Set()]));
  const ids = {};
  const notes = [];
  const check = (group, name, ok, message = '', extra = {}) => {
    checks.push({ id: checks.length + 1, group, name, ok: !!ok, message: ok ? '' : message, ...extra });
    return !!ok;
  };
  const byId = new Map(contract.operations.map((x) => [x.operationId, x]));

  // ---------- REST ----------
  function exampleBody(op) {
    const rb = contract.resolve(op.op.requestBody);
    const media = rb?.content?.['application/json'];
    if (!media) return undefined;
    if (media.example !== undefined) return structuredClone(media.example);
    const ex = media.examples && Object.values(media.examples)[0];
    if (ex) return structuredClone(contract.resolve(ex).value);
    const schema = contract.resolve(media.schema);
    if (schema?.examples?.length) return structuredClone(schema.examples[0]);
    if (schema?.example !== undefined) return structuredClone(schema.example);
    return synthesize(schema, 0);
  }
  function synthesize(s0, depth) {
    const s = contract.resolve(s0) ?? {};
    if (depth > 6) return undefined;
    if (s.const !== undefined) return s.const;
    if (s.default !== undefined) return s.default;
    if (s.examples?.length) return s.examples[0];
    if (s.enum?.length) return s.enum[0];
    const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
    if (s.allOf) return Object.assign({}, ...s.allOf.map((p) => synthesize(p, depth + 1)));
    if (s.oneOf || s.anyOf) return synthesize((s.oneOf ?? s.anyOf)[0], depth + 1);
    if (t === 'object' || s.properties) {
      const out = {};
      for (const k of s.required ?? []) out[k] = synthesize(s.properties?.[k] ?? {}, depth + 1);
      return out;
    }
    if (t === 'array') return [];
    if (t === 'integer' || t === 'number') return s.minimum ?? 1;
    if (t === 'boolean') return true;
    return 'contract';
  }

  function urlFor(op, pathIds = ids, query) {
    const path = op.path.replace(/\{([^}]+)\}/g, (_, name) => encodeURIComponent(pathIds[name] ?? placeholderId(name)));
    const q = query ? `?${new URLSearchParams(query)}` : '';
    return `${base}${path}${q}`;
  }

  /** Sends one request and validates the response against the operation; returns { status, headers, json, bytes }. */
  async function call(operationId, { label, body, headers = {}, auth = true, pathIds, query, expect, prefer } = {}) {
    const op = byId.get(operationId);
    const group = `REST ${operationId}`;
    const h = { Accept: 'application/json, */*', ...headers };
    if (auth) h.Authorization = `Bearer ${apiKey}`;
    if (prefer) h.Prefer = prefer;
    let payload;
    if (body !== undefined) {
      h['Content-Type'] ??= 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const url = urlFor(op, pathIds, query);
    const what = `${op.method} ${new URL(url).pathname}${label ? ` [${label}]` : ''}`;
    let res;
    try {
      res = await fetch(url, { method: op.method, headers: h, body: payload, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      check(group, `${what}: request completes`, false, `${e.name}: ${e.message}`, { operation: operationId });
      return undefined;
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    const result = validateResponse(op, what, res, bytes);
    observed.get(operationId).add(res.status);
    if (expect) {
      const list = Array.isArray(expect) ? expect : [expect];
      check(group, `${what}: status is ${list.join(' or ')}`, list.includes(res.status), `got ${res.status}${result.json?.error ? ` ${result.json.error.code}: ${result.json.error.message}` : ''}`, { operation: operationId });
    }
    return result;
  }

  function validateResponse(op, what, res, bytes) {
    const group = `REST ${op.operationId}`;
    const status = String(res.status);
    const spec = op.responses[status] ?? op.responses[`${status[0]}XX`] ?? op.responses.default;
    const statusName = `${what} → ${status}`;
    const documented = Object.keys(op.responses).join(', ');
    if (!check(group, `${statusName}: status is documented`, spec, `status ${status} is not documented for ${op.operationId} (documented: ${documented})`, { operation: op.operationId })) {
      return { status: res.status, headers: res.headers, bytes };
    }
    // Headers: documented ones must be present when required, and match their schema when present.
    for (const [name, hs] of Object.entries(spec.headers)) {
      const v = res.headers.get(name);
      if (v === null) {
        check(group, `${statusName}: header ${name}`, !hs.required, `required header ${name} is missing`, { operation: op.operationId });
        continue;
      }
      if (!hs.schemaPointer) continue;
      const validate = contract.openapiValidator(hs.schemaPointer);
      const value = coerceHeader(v, contract.resolve(hs.schema));
      check(group, `${statusName}: header ${name}`, validate(value), `header ${name}: ${describeErrors(validate.errors, value)}`, { operation: op.operationId });
    }
    // Content type and body.
    const ctype = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    const medias = Object.keys(spec.content);
    let json;
    if (medias.length === 0) {
      check(group, `${statusName}: no body`, bytes.length === 0, `undocumented body of ${bytes.length} bytes (${ctype})`, { operation: op.operationId });
      return { status: res.status, headers: res.headers, bytes };
    }
    const media = medias.find((m) => m.toLowerCase() === ctype) ?? medias.find((m) => m.endsWith('/*') && ctype.startsWith(m.slice(0, -1)));
    if (!check(group, `${statusName}: content type`, media, `Content-Type "${ctype}" is not documented (documented: ${medias.join(', ')})`, { operation: op.operationId })) {
      return { status: res.status, headers: res.headers, bytes };
    }
    if (/json/.test(media)) {
      try {
        json = JSON.parse(bytes.toString('utf8'));
      } catch (e) {
        check(group, `${statusName}: body`, false, `body is not JSON: ${e.message}`, { operation: op.operationId });
        return { status: res.status, headers: res.headers, bytes };
      }
      const ptr = spec.content[media].schemaPointer;
      if (ptr) {
        const validate = contract.openapiValidator(ptr);
        const ok = validate(json);
        const errors = ok ? [] : applyWaivers(validate.errors, json, `${statusName}: body`);
        check(group, `${statusName}: body`, errors.length === 0, `body ${describeErrors(errors, json)}`, { operation: op.operationId });
      }
      // The error envelope's request_id is the X-Request-ID of the same response.
      const rid = res.headers.get('x-request-id');
      if (json?.error?.request_id !== undefined && rid !== null) {
        check(group, `${statusName}: error.request_id = X-Request-ID`, json.error.request_id === rid, `error.request_id ${json.error.request_id} ≠ X-Request-ID ${rid}`, { operation: op.operationId });
      }
    } else {
      // Binary (e.g. audio/mpeg): the bytes must be there and agree with Content-Length.
      const len = res.headers.get('content-length');
      check(group, `${statusName}: body`, bytes.length > 0 && (len === null || Number(len) === bytes.length), `binary body of ${bytes.length} bytes, Content-Length ${len}`, { operation: op.operationId });
    }
    return { status: res.status, headers: res.headers, json, bytes };
  }

  // ---------- the flow ----------
  const has = (id) => byId.has(id);
  const sessionOp = byId.get('createSession');
  const sessionBody = o.sessionBody ?? (sessionOp ? exampleBody(sessionOp) : undefined);

  if (has('createAgent')) {
    const r = await call('createAgent', { body: exampleBody(byId.get('createAgent')), headers: { 'Idempotency-Key': randomUUID() }, expect: successOf('createAgent') });
    if (r?.json?.id) ids.agent_id = r.json.id;
  }
  if (has('listAgents')) await call('listAgents', { query: { limit: '2' }, expect: successOf('listAgents') });
  if (has('retrieveAgent')) await call('retrieveAgent', { expect: successOf('retrieveAgent') });
  if (has('updateAgent')) await call('updateAgent', { body: exampleBody(byId.get('updateAgent')), expect: successOf('updateAgent') });

  let session;
  if (has('createSession')) {
    const key = randomUUID();
    const r = await call('createSession', { body: sessionBody, headers: { 'Idempotency-Key': key }, expect: successOf('createSession') });
    session = r?.json;
    if (session?.id) ids.session_id = session.id;
    // Idempotency: same key + same body replays; same key + another body is refused with idempotency_mismatch.
    const replay = await call('createSession', { label: 'idempotent replay', body: sessionBody, headers: { 'Idempotency-Key': key }, expect: successOf('createSession') });
    if (replay?.json && session) {
      check('REST createSession', 'POST /v1/sessions [idempotent replay]: same body as the first response', replay.json.id === session.id, `replayed id ${replay.json.id} ≠ first id ${session.id}`, { operation: 'createSession' });
    }
    const other = { ...sessionBody, metadata: { contract_suite: 'different-body' } };
    const mismatch = await call('createSession', { label: 'idempotency mismatch', body: other, headers: { 'Idempotency-Key': key }, expect: 400 });
    if (mismatch?.json?.error) {
      check('REST createSession', 'POST /v1/sessions [idempotency mismatch]: code idempotency_mismatch', mismatch.json.error.code === 'idempotency_mismatch', `got code ${mismatch.json.error.code}`, { operation: 'createSession' });
    }
    // Validation errors in the error envelope.
    await call('createSession', { label: 'missing mode', body: {}, expect: statusesOf('createSession', [400, 422]) });
    await call('createSession', { label: 'forbidden provider object', body: { ...sessionBody, provider: { type: 'twilio' } }, expect: statusesOf('createSession', [400, 422]) });
    await call('createSession', { label: 'body is not JSON', body: '{"mode":', expect: statusesOf('createSession', [400, 422]) });
  }
  if (has('retrieveSession')) await call('retrieveSession', { expect: successOf('retrieveSession') });
  if (has('dialSession')) await call('dialSession', { body: exampleBody(byId.get('dialSession')), headers: { 'Idempotency-Key': randomUUID() } });
  if (has('hangupSession')) await call('hangupSession', { body: exampleBody(byId.get('hangupSession')) });

  // ---------- stream ----------
  const stream = { frames: 0, types: {}, closeCodes: [] };
  if (session?.stream?.url && session?.stream?.token) {
    await runStream(session, stream);
  } else {
    check('Stream', 'createSession returned stream.url and stream.token', false, 'no stream object in the createSession response; the stream flow could not run');
  }

  if (has('endSession')) {
    const r = await call('endSession', { headers: { 'Idempotency-Key': randomUUID() }, expect: successOf('endSession') });
    if (r?.json) check('REST endSession', 'end summary says ended', r.json.status === 'ended', `status ${r.json.status}`, { operation: 'endSession' });
    // Naturally idempotent: ending an ended session returns the summary again, not an error.
    await call('endSession', { label: 'already ended', expect: successOf('endSession') });
  }
  if (has('retrieveSessionTranscript')) await call('retrieveSessionTranscript', { expect: successOf('retrieveSessionTranscript') });
  if (has('listSessionRecordings')) {
    const r = await call('listSessionRecordings', { expect: successOf('listSessionRecordings') });
    const first = r?.json?.data?.[0]?.id;
    if (first) ids.recording_id = first;
    else notes.push('listSessionRecordings returned no recording; recording routes used a placeholder id');
  }
  if (has('retrieveRecording')) await call('retrieveRecording');
  if (has('downloadRecordingAudio')) await call('downloadRecordingAudio', { headers: { Accept: 'audio/mpeg, application/json' } });
  if (has('createSessionAnalysis')) {
    const r = await call('createSessionAnalysis', { body: exampleBody(byId.get('createSessionAnalysis')), headers: { 'Idempotency-Key': randomUUID() }, expect: successOf('createSessionAnalysis') });
    if (r?.json?.id) ids.analysis_id = r.json.id;
  }
  if (has('retrieveAnalysis')) await call('retrieveAnalysis', { expect: successOf('retrieveAnalysis') });
  if (has('deleteAgent')) await call('deleteAgent', { expect: successOf('deleteAgent') });

  // Every operation the suite has no special step for still gets a plain call.
  const flowIds = new Set(['createAgent', 'listAgents', 'retrieveAgent', 'updateAgent', 'createSession', 'retrieveSession', 'dialSession', 'hangupSession', 'endSession', 'retrieveSessionTranscript', 'listSessionRecordings', 'retrieveRecording', 'downloadRecordingAudio', 'createSessionAnalysis', 'retrieveAnalysis', 'deleteAgent']);
  for (const op of contract.operations) {
    if (!flowIds.has(op.operationId)) await call(op.operationId, { body: exampleBody(op) });
  }

  // ---------- errors any server produces ----------
  for (const op of contract.operations) {
    if (!op.secured) continue;
    await call(op.operationId, { label: 'no API key', auth: false, body: exampleBody(op), expect: 401 });
  }
  const unknown = { session_id: 'sess_ContractSuiteUnknown0', agent_id: 'agt_ContractSuiteUnknown0', recording_id: 'rec_ContractSuiteUnknown0', analysis_id: 'anl_ContractSuiteUnknown0' };
  for (const opId of ['retrieveSession', 'retrieveAgent', 'retrieveRecording', 'retrieveAnalysis']) {
    if (has(opId)) await call(opId, { label: 'unknown id', pathIds: { ...ids, ...unknown } });
  }
  if (has('listAgents')) await call('listAgents', { label: 'limit out of range', query: { limit: '1000' }, expect: statusesOf('listAgents', [400, 422]) });

  // ---------- every documented status, through the mock's response selector ----------
  if (o.prefer) {
    for (const op of contract.operations) {
      for (const status of Object.keys(op.responses)) {
        if (!/^\d{3}$/.test(status)) continue;
        const headers = op.op.parameters?.some((p) => contract.resolve(p)?.name === 'Idempotency-Key') ? { 'Idempotency-Key': randomUUID() } : {};
        const accept = Object.keys(op.responses[status].content)[0];
        await call(op.operationId, {
          label: `Prefer code=${status}`,
          prefer: `code=${status}`,
          body: exampleBody(op),
          headers: { ...headers, ...(accept ? { Accept: accept } : {}) },
          expect: Number(status),
        });
      }
    }
  }

  // ---------- coverage ----------
  const coverage = contract.operations.map((op) => {
    const documented = Object.keys(op.responses);
    const seen = [...observed.get(op.operationId)].sort();
    return { operationId: op.operationId, method: op.method, path: op.path, documented, observed: seen.map(String), missing: documented.filter((s) => !seen.map(String).includes(s)) };
  });
  for (const c of coverage) {
    check(`REST ${c.operationId}`, `${c.operationId} was exercised`, c.observed.length > 0, 'no response was received for this operation', { operation: c.operationId });
  }

  const failed = checks.filter((c) => !c.ok).length;
  return {
    tool: 'kallglot-contract-suite',
    target: { baseUrl: base, streamUrl: o.streamUrl ?? session?.stream?.url ?? null, prefer: !!o.prefer },
    spec: {
      openapi: contract.openapi.info?.version,
      asyncapi: contract.asyncapi.info?.version,
      operations: contract.operations.length,
      serverMessages: [...contract.serverMessages.keys()],
      clientMessages: [...contract.clientMessages.keys()],
    },
    summary: { checks: checks.length, passed: checks.length - failed, failed, durationMs: Date.now() - started },
    coverage,
    stream,
    notes,
    waivers: waivers.map((w) => ({ reason: w.reason, instancePath: String(w.instancePath), keyword: w.keyword, value: String(w.value), used: w.used })),
    checks,
  };

  // ---------- helpers needing the closure ----------
  function successOf(opId) {
    const s = Object.keys(byId.get(opId).responses).filter((x) => /^2\d\d$/.test(x)).map(Number);
    return s.length ? s : [200];
  }
  function statusesOf(opId, wanted) {
    const s = Object.keys(byId.get(opId).responses).map(Number).filter((x) => wanted.includes(x));
    return s.length ? s : wanted;
  }

  async function runStream(sess, acc) {
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
    const { ws, next, closed } = conn;
    const ready = await next((m) => m.type === 'session.ready');
    check(group, 'first frame is session.ready', ready?.type === 'session.ready' && conn.first() === 'session.ready', `got ${ready ? JSON.stringify(ready).slice(0, 120) : 'nothing'} (first frame: ${conn.first() ?? 'none'})`);
    if (ready?.session_id !== undefined) check(group, 'session.ready names this session', ready.session_id === sess.id, `session_id ${ready.session_id} ≠ ${sess.id}`);

    send(ws, { type: 'ping' });
    const pong = await next((m) => m.type === 'pong');
    check(group, 'ping → pong for this session', pong?.type === 'pong' && (pong.session_id === undefined || pong.session_id === sess.id), `got ${JSON.stringify(pong)}`);

    // ~2 s of μ-law silence, paced close to real time (the server may refuse audio faster than that).
    const silence = Buffer.alloc(800, 0xff).toString('base64');
    for (let i = 0; i < 20; i++) {
      const frame = { type: 'audio.input', sequence: i, timestamp_ms: Date.now(), speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: silence } };
      validateClientFrame(frame);
      send(ws, frame);
      await sleep(90);
    }
    // Transcripts depend on the audio; wait a little for one, the frames are validated as they come.
    await next((m) => m.type === 'transcript.final', 3000);
    const bad = { type: 'audio.input', sequence: 20, timestamp_ms: Date.now(), speaker: 'customer', audio: { encoding: 'pcm_16', sample_rate_hz: 16000, payload: silence } };
    send(ws, bad);
    const err = await next((m) => m.type === 'session.error');
    check(group, 'wrong audio format → session.error invalid_audio_format', err?.code === 'invalid_audio_format', `got ${JSON.stringify(err)}`);
    send(ws, { type: 'control', action: 'mute' });
    const err2 = await next((m) => m.type === 'session.error');
    check(group, 'retired message type → session.error', err2?.type === 'session.error', `got ${JSON.stringify(err2)}`);

    send(ws, { type: 'session.end' });
    const ended = await next((m) => m.type === 'session.ended');
    check(group, 'session.end → session.ended (explicit_end)', ended?.reason === 'explicit_end', `got ${JSON.stringify(ended)}`);
    const close = await closed;
    acc.closeCodes.push(close.code);
    check(group, 'server closes with 1000 after session.ended', close.code === 1000, `close code ${close.code} ${close.reason}`);

    // Handshake refusals complete the upgrade and then close with a documented code.
    const badUrl = new URL(streamUrl);
    badUrl.searchParams.set('token', 'not-a-stream-token');
    const refused = await openSocket(badUrl.toString());
    if (refused.ws) {
      const c = await refused.closed;
      acc.closeCodes.push(c.code);
      check(group, 'malformed token → close 4001', c.code === 4001, `close code ${c.code} ${c.reason}`);
    } else check(group, 'malformed token → close 4001', false, `upgrade refused: ${refused.error}`);
    const unseen = [...contract.serverMessages.keys()].filter((t) => !acc.types[t]);
    if (unseen.length) notes.push(`server messages not observed in the stream flow: ${unseen.join(', ')}`);
    for (const code of acc.closeCodes) {
      check(group, `close code ${code} is documented`, contract.closeCodes.size === 0 || contract.closeCodes.has(code), `close code ${code} is not in x-kallglot-close-codes`);
    }
  }

  function validateClientFrame(frame) {
    const v = contract.messageValidator(frame.type);
    check('Stream', `client frame ${frame.type} is valid (suite self-check)`, v && v(frame), v ? describeErrors(v.errors, frame) : `no client message ${frame.type}`);
  }

  function openSocket(url) {
    return new Promise((resolveOpen) => {
      const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
      const queue = [];
      let waiter;
      let closeInfo;
      let resolveClosed;
      const closed = new Promise((r) => (resolveClosed = r));
      ws.on('message', (data, isBinary) => {
        stream.frames++;
        const text = data.toString();
        let msg;
        if (!check('Stream', 'server frame is a JSON text frame', !isBinary, 'binary frame received')) return;
        try {
          msg = JSON.parse(text);
        } catch {
          check('Stream', 'server frame is JSON', false, `not JSON: ${text.slice(0, 80)}`);
          return;
        }
        const known = contract.serverMessages.get(msg?.type);
        if (check('Stream', `server frame type "${msg?.type}" is a documented server message`, known, `undocumented type ${JSON.stringify(msg?.type)}`)) {
          const v = contract.messageValidator(msg.type);
          check('Stream', `server frame ${msg.type} matches its AsyncAPI payload`, v(msg), `${msg.type}: ${describeErrors(v.errors, msg)}`);
        }
        firstType ??= msg?.type;
        if (typeof msg?.type === 'string') stream.types[msg.type] = (stream.types[msg.type] ?? 0) + 1;
        queue.push(msg);
        if (waiter) waiter();
      });
      ws.on('close', (code, reason) => {
        closeInfo = { code, reason: reason.toString() };
        resolveClosed(closeInfo);
        if (waiter) waiter();
      });
      let firstType;
      ws.on('open', () => resolveOpen({ ws, next, closed, first: () => firstType }));
      ws.on('error', (e) => {
        if (ws.readyState !== WebSocket.OPEN) resolveOpen({ error: e.message });
      });
      // Resolves with the first queued frame matching `pred` (earlier non-matching frames are kept).
      async function next(pred, waitMs = timeoutMs) {
        const deadline = Date.now() + waitMs;
        for (;;) {
          const i = queue.findIndex(pred);
          if (i >= 0) return queue.splice(i, 1)[0];
          if (closeInfo || Date.now() > deadline) return undefined;
          await new Promise((r) => {
            waiter = r;
            setTimeout(r, Math.max(0, deadline - Date.now()));
          });
          waiter = undefined;
        }
      }
    });
  }
}

function send(ws, msg) {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
}

function coerceHeader(v, schema) {
  const types = [].concat(schema?.type ?? []);
  if ((types.includes('integer') || types.includes('number')) && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  if (types.includes('boolean') && (v === 'true' || v === 'false')) return v === 'true';
  return v;
}

function placeholderId(name) {
  const prefix = { session_id: 'sess_', agent_id: 'agt_', recording_id: 'rec_', analysis_id: 'anl_' }[name] ?? '';
  return `${prefix}01HXYZ123456789`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
