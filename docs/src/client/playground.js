// Playground client, bundled by esbuild into assets/playground.js. Talks only to the base URL the user set
// (the local mock by default). The API key lives in sessionStorage, i.e. in this tab only.
import { connectStream, describeClose } from '@kallglot/stream';
import { encodeMulaw, resampleTo8k, wavToMulaw8k } from '@kallglot/stream/audio';
import { verifyWebhook } from '@kallglot/client';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const DATA = window.KG_PLAYGROUND;
const $ = (id) => document.getElementById(id);
const store = {
  get: (k, d) => { try { return sessionStorage.getItem(`kg.pg.${k}`) ?? d; } catch { return d; } },
  set: (k, v) => { try { sessionStorage.setItem(`kg.pg.${k}`, v); } catch { /* storage off */ } },
};

// --- settings and tabs -------------------------------------------------------------------------------------
const params = new URLSearchParams(location.search);
// The REST base: ?base=, else what this tab chose, else the mock serving this page (assets/local-mock.js).
const liveBase = (window.KG_LOCAL_MOCK && window.KG_LOCAL_MOCK.rest) || DATA.defaults.base;
const storedBase = store.get('base', '');
$('pg-base').value = params.get('base') ?? (storedBase && storedBase !== DATA.defaults.base ? storedBase : liveBase);
$('pg-key').value = store.get('key', 'sk_test_playground');
$('pg-base').addEventListener('change', () => store.set('base', $('pg-base').value.trim()));
$('pg-key').addEventListener('change', () => store.set('key', $('pg-key').value.trim()));
const base = () => $('pg-base').value.trim().replace(/\/$/, '');
const key = () => $('pg-key').value.trim();

function showTab(name) {
  for (const t of ['rest', 'stream', 'webhooks']) {
    $(t).hidden = t !== name;
    $(`tab-${t}`).setAttribute('aria-selected', String(t === name));
  }
}
for (const t of ['rest', 'stream', 'webhooks']) $(`tab-${t}`).addEventListener('click', () => { showTab(t); history.replaceState(null, '', `#${t}`); });
showTab(['rest', 'stream', 'webhooks'].includes(location.hash.slice(1)) ? location.hash.slice(1) : 'rest');

// --- validation against the spec ---------------------------------------------------------------------------
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv, ['date-time', 'date', 'uri', 'email', 'uuid']);
const ROOT = 'kallglot:openapi';
ajv.addSchema({ $id: ROOT, components: DATA.components }, ROOT);
const compiled = new Map();
function validatorFor(op, status) {
  const res = op.responses[status] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
  if (!res?.schema) return undefined;
  const k = `${op.id}:${status}`;
  if (!compiled.has(k)) compiled.set(k, ajv.compile(rewriteRefs(res.schema)));
  return compiled.get(k);
}
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${ROOT}${v}` : rewriteRefs(v);
  return out;
}
const inferredNode = (n) => !!n && (n['x-kallglot-source'] === 'inferred' || n['x-kallglot-inferred'] !== undefined);
function resolve(n) {
  let node = n;
  for (let i = 0; node && typeof node.$ref === 'string' && i < 20; i++) {
    node = node.$ref.slice(2).split('/').reduce((acc, p) => acc?.[p.replace(/~1/g, '/').replace(/~0/g, '~')], { components: DATA.components });
  }
  return node;
}
/** Whether the schema along an instance path touches a part the public reference does not confirm. */
function touchesInferred(schema, instancePath) {
  let nodes = [resolve(schema)];
  if (nodes.some(inferredNode)) return true;
  for (const seg of instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    const next = [];
    const expand = (n) => { n = resolve(n); if (!n) return; next.push(n); for (const k of ['allOf', 'oneOf', 'anyOf']) (n[k] ?? []).forEach(expand); };
    for (const n of nodes) {
      const all = [];
      const collect = (m) => { m = resolve(m); if (!m) return; all.push(m); for (const k of ['allOf', 'oneOf', 'anyOf']) (m[k] ?? []).forEach(collect); };
      collect(n);
      for (const m of all) {
        if (m.properties?.[seg]) expand(m.properties[seg]);
        else if (/^\d+$/.test(seg) && m.items) expand(m.items);
      }
    }
    if (next.some(inferredNode)) return true;
    nodes = next;
  }
  return false;
}

// --- REST console ------------------------------------------------------------------------------------------
const opsById = new Map(DATA.ops.map((o) => [o.id, o]));
const current = () => opsById.get($('rest-op').value);
function renderOp() {
  const op = current();
  $('rest-params').innerHTML = '';
  for (const p of op.params) {
    const label = document.createElement('label');
    label.textContent = `${p.in === 'path' ? 'Path' : 'Query'}: ${p.name}${p.required ? ' *' : ''} `;
    const input = document.createElement('input');
    input.dataset.in = p.in; input.dataset.name = p.name; input.spellcheck = false;
    input.value = typeof p.example === 'object' ? JSON.stringify(p.example) : String(p.example ?? '');
    label.appendChild(input);
    $('rest-params').appendChild(label);
  }
  const examples = op.body ? Object.keys(op.body) : [];
  $('rest-body-label').hidden = !op.body;
  $('rest-example').innerHTML = examples.map((e) => `<option>${e}</option>`).join('');
  $('rest-example').hidden = examples.length < 2;
  $('rest-body').value = op.body ? JSON.stringify(op.body[examples[0]], null, 2) : '';
  renderSnippet('curl');
}
$('rest-example').addEventListener('change', () => { $('rest-body').value = JSON.stringify(current().body[$('rest-example').value], null, 2); });
$('rest-op').addEventListener('change', renderOp);

function request() {
  const op = current();
  let path = op.path;
  const query = new URLSearchParams();
  for (const input of $('rest-params').querySelectorAll('input')) {
    if (input.dataset.in === 'path') path = path.replace(`{${input.dataset.name}}`, encodeURIComponent(input.value));
    else if (input.value !== '') query.set(input.dataset.name, input.value);
  }
  const qs = query.toString();
  const body = op.body ? $('rest-body').value : undefined;
  return { op, url: `${base()}${path}${qs ? `?${qs}` : ''}`, path, query: Object.fromEntries(query), body };
}

function renderSnippet(kind) {
  const { op, url, query, body } = request();
  const lines = [`curl${op.method === 'get' ? '' : ` -X ${op.method.toUpperCase()}`} "${url}"`, `-H "Authorization: Bearer $KALLGLOT_API_KEY"`];
  if (op.idempotent) lines.push(`-H "Idempotency-Key: $(node -e 'console.log(crypto.randomUUID())')"`);
  if (body) lines.push('-H "Content-Type: application/json"', `-d '${body.replace(/'/g, "'\\''")}'`);
  // The facade call: path parameters in order, then the body (or the query).
  const args = [...$('rest-params').querySelectorAll('input[data-in="path"]')].map((i) => JSON.stringify(i.value));
  const q = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, /^\d+$/.test(v) ? Number(v) : v]));
  if (body) { try { args.push(JSON.stringify(JSON.parse(body))); } catch { args.push(body); } }
  else if (Object.keys(q).length) args.push(JSON.stringify(q));
  const binary = Object.values(op.responses).some((r) => r.binary);
  const ts = [
    "import { Kallglot } from '@kallglot/client';",
    '',
    `const kallglot = new Kallglot({ baseUrl: '${base()}' }); // reads KALLGLOT_API_KEY`,
    ...(binary
      ? [`const file = await kallglot.${op.sdk}(${[...args, "{ as: 'arrayBuffer' }"].join(', ')});`, 'console.log(file.filename, file.data.byteLength);']
      : [`const result = await kallglot.${op.sdk}(${args.join(', ')});`, 'console.log(result);']),
  ].join('\n');
  const text = kind === 'ts' ? ts : lines.join(' \\\n  ');
  $('rest-snippet').textContent = text;
  return text;
}
async function copy(text, button) {
  try { await navigator.clipboard.writeText(text); } catch {
    const t = document.createElement('textarea'); t.value = text; document.body.appendChild(t); t.select();
    try { document.execCommand('copy'); } catch { /* nothing more to try */ }
    t.remove();
  }
  const old = button.textContent; button.textContent = 'Copied'; setTimeout(() => { button.textContent = old; }, 1200);
}
$('rest-curl').addEventListener('click', (e) => copy(renderSnippet('curl'), e.currentTarget));
$('rest-ts').addEventListener('click', (e) => copy(renderSnippet('ts'), e.currentTarget));

function uuid() { return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`; }

export async function send(op, url, body) {
  const headers = { Authorization: `Bearer ${key()}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (op.idempotent) headers['Idempotency-Key'] = uuid();
  const started = performance.now();
  const res = await fetch(url, { method: op.method.toUpperCase(), headers, body });
  const type = res.headers.get('content-type') ?? '';
  const raw = type.includes('json') ? await res.text() : `(${(await res.arrayBuffer()).byteLength} bytes of ${type || 'data'})`;
  return { res, raw, json: type.includes('json') ? safeJson(raw) : undefined, ms: Math.round(performance.now() - started) };
}
function safeJson(t) { try { return JSON.parse(t); } catch { return undefined; } }

$('rest-send').addEventListener('click', async () => {
  const { op, url, body } = request();
  if (body !== undefined && safeJson(body) === undefined) { $('rest-status').textContent = 'The body is not valid JSON.'; return; }
  $('rest-status').textContent = 'Sending…';
  try {
    const { res, raw, json, ms } = await send(op, url, body);
    $('rest-status').innerHTML = '';
    const s = document.createElement('span');
    s.className = `kg-status kg-status-${String(res.status)[0]}xx`;
    s.textContent = `${res.status} ${res.statusText}`;
    $('rest-status').append(s, ` · ${ms} ms · ${op.method.toUpperCase()} ${url}`);
    $('rest-status').dataset.status = String(res.status);
    $('rest-headers').innerHTML = '';
    res.headers.forEach((v, k) => { const tr = document.createElement('tr'); tr.innerHTML = '<td></td><td></td>'; tr.children[0].textContent = k; tr.children[1].textContent = v; $('rest-headers').appendChild(tr); });
    $('rest-response').textContent = json !== undefined ? JSON.stringify(json, null, 2) : raw;
    renderValidation(op, res.status, json);
    if (json?.stream?.url && json?.stream?.token) fillStream(json);
  } catch (err) {
    $('rest-status').textContent = `Request failed: ${err.message}. Is the mock running (npm start), and is the base URL right?`;
  }
});

function renderValidation(op, status, json) {
  const box = $('rest-validation');
  box.innerHTML = '';
  const validate = json === undefined ? undefined : validatorFor(op, status);
  if (!validate) { box.innerHTML = `<p class="kg-muted">The spec has no JSON schema for ${status} here.</p>`; box.dataset.result = 'none'; return; }
  const ok = validate(json);
  const errors = ok ? [] : validate.errors ?? [];
  const schema = (op.responses[status] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default).schema;
  const inferred = errors.filter((e) => touchesInferred(schema, e.instancePath));
  const hard = errors.filter((e) => !inferred.includes(e));
  box.dataset.result = hard.length ? 'invalid' : inferred.length ? 'deviates' : 'valid';
  const p = document.createElement('p');
  p.className = hard.length ? 'kg-bad' : 'kg-good';
  p.textContent = hard.length ? `Does not match the spec for ${status} (${hard.length} error${hard.length > 1 ? 's' : ''}).` : `Matches the spec for ${status}.`;
  box.appendChild(p);
  const list = (items, title) => {
    if (!items.length) return;
    const h = document.createElement('h4'); h.textContent = title; box.appendChild(h);
    const ul = document.createElement('ul');
    for (const e of items) { const li = document.createElement('li'); li.textContent = `${e.instancePath || '/'} ${e.message}`; ul.appendChild(li); }
    box.appendChild(ul);
  };
  list(hard, 'Errors');
  list(inferred, 'Deviations in parts not confirmed by the public docs');
}

// --- stream console ----------------------------------------------------------------------------------------
let client;
let connectedAt = 0;
let audioStop;
const log = (dir, type, bytes) => {
  const tr = document.createElement('tr');
  tr.innerHTML = '<td></td><td></td><td></td><td></td>';
  tr.children[0].textContent = `${((performance.now() - connectedAt) / 1000).toFixed(3)} s`;
  tr.children[1].textContent = dir;
  tr.children[2].textContent = type;
  tr.children[3].textContent = String(bytes);
  tr.dataset.type = type;
  const body = $('stream-log');
  body.appendChild(tr);
  while (body.children.length > 500) body.firstChild.remove();
  tr.scrollIntoView({ block: 'nearest' });
};
function fillStream(session) {
  $('stream-url').value = session.stream.url;
  $('stream-token').value = session.stream.token;
  $('stream-session').textContent = `Session ${session.id}`;
  $('wh-session').value = session.id;
}
$('stream-create').addEventListener('click', async () => {
  const op = DATA.ops.find((o) => o.method === 'post' && o.path === '/v1/sessions');
  const example = op.body.websocket_only ?? Object.values(op.body)[0];
  $('stream-state').textContent = 'Creating a session…';
  $('stream-url').value = '';
  $('stream-token').value = '';
  try {
    const { res, json } = await send(op, `${base()}${op.path}`, JSON.stringify(example));
    if (!res.ok || !json?.stream) throw new Error(`${res.status} ${json?.error?.message ?? ''}`);
    fillStream(json);
    $('stream-state').textContent = `Session ${json.id} created; connect to stream.`;
  } catch (err) { $('stream-state').textContent = `Could not create a session: ${err.message}`; }
});
const setButtons = (open) => { for (const id of ['stream-mic', 'stream-sample', 'stream-ping', 'stream-end', 'stream-close']) $(id).disabled = !open; $('stream-connect').disabled = open; };

$('stream-connect').addEventListener('click', () => {
  $('stream-close-info').textContent = '';
  $('stream-log').innerHTML = '';
  connectedAt = performance.now();
  $('stream-state').textContent = 'Connecting…';
  client = connectStream({ url: $('stream-url').value.trim(), token: $('stream-token').value.trim(), keepalive: false });
  client.on('state', (s) => { $('stream-state').textContent = `State: ${s.state}`; $('stream-state').dataset.state = s.state; });
  client.on('message', (m) => { log('←', m.type, JSON.stringify(m).length); onMessage(m); });
  client.on('close', (info) => {
    const d = describeClose(info.code);
    const el = $('stream-close-info');
    el.dataset.code = String(info.code);
    el.textContent = `Closed with ${info.code} ${info.name ?? d?.name ?? ''}${d?.description ? `: ${d.description}` : ''}${info.action ? ` Client should: ${info.action}.` : ''}${info.willReconnect ? ' Reconnecting…' : ''}`;
  });
  client.on('closed', () => { audioStop?.(); setButtons(false); });
  client.on('error', (err) => log('!', `error: ${err.message}`, 0));
  client.ready.catch((err) => { $('stream-state').textContent = `Could not connect: ${err.message}`; });
  setButtons(true);
});
function onMessage(m) {
  if (m.type === 'transcript.partial') $('stream-partial').textContent = m.text ?? '';
  if (m.type === 'transcript.final') {
    const p = document.createElement('p');
    p.className = 'kg-final';
    p.textContent = `${m.speaker ?? ''}: ${m.text ?? ''}${m.translation?.text ? ` → ${m.translation.text}` : ''}`;
    $('stream-transcript').insertBefore(p, $('stream-partial'));
    $('stream-partial').textContent = '';
  }
}
async function sendChunk(mulaw) {
  await client.sendAudio(mulaw);
  log('→', 'audio.input', Math.ceil(mulaw.length / 3) * 4 + 80);
}
$('stream-sample').addEventListener('click', async () => {
  const wav = await (await fetch('assets/sample.wav')).arrayBuffer();
  const mulaw = wavToMulaw8k(wav);
  let stopped = false;
  audioStop = () => { stopped = true; audioStop = undefined; };
  for (let i = 0; i < mulaw.length && !stopped; i += 800) {
    await sendChunk(mulaw.subarray(i, i + 800)); // 100 ms at 8 kHz
    await new Promise((r) => setTimeout(r, 100));
  }
});
$('stream-mic').addEventListener('click', async () => {
  const media = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1 } });
  const ctx = new AudioContext();
  const source = ctx.createMediaStreamSource(media);
  const proc = ctx.createScriptProcessor(4096, 1, 1);
  proc.onaudioprocess = (e) => {
    const f = e.inputBuffer.getChannelData(0);
    const pcm = new Int16Array(f.length);
    for (let i = 0; i < f.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(f[i] * 32767)));
    sendChunk(encodeMulaw(resampleTo8k(pcm, ctx.sampleRate))).catch(() => {});
  };
  source.connect(proc);
  proc.connect(ctx.destination);
  $('stream-mic').textContent = 'Microphone on';
  audioStop = () => {
    audioStop = undefined;
    proc.disconnect(); source.disconnect(); media.getTracks().forEach((t) => t.stop());
    ctx.close().catch(() => {});
    $('stream-mic').textContent = 'Stream microphone';
  };
});
$('stream-ping').addEventListener('click', () => { client.ping(); log('→', 'ping', 16); });
$('stream-end').addEventListener('click', async () => { audioStop?.(); log('→', 'session.end', 22); try { await client.end(); } catch { /* the close event tells the story */ } });
$('stream-close').addEventListener('click', () => { audioStop?.(); client.close(1000, 'playground'); });

// --- webhooks ----------------------------------------------------------------------------------------------
$('wh-load').addEventListener('click', async () => {
  const id = $('wh-session').value.trim();
  $('wh-status').textContent = 'Loading…';
  $('wh-events').innerHTML = '';
  try {
    const res = await fetch(`${base()}/_mock/webhooks?session_id=${encodeURIComponent(id)}`);
    if (!res.ok) throw new Error(`${res.status}: this mock has no webhook log (/_mock/webhooks)`);
    const { data = [] } = await res.json();
    $('wh-status').textContent = `${data.length} event${data.length === 1 ? '' : 's'} for ${id || 'every session'}.`;
    for (const ev of data) {
      const raw = typeof ev.payload === 'string' ? ev.payload : JSON.stringify(ev.payload);
      const header = ev.headers?.['Kallglot-Signature'] ?? ev.headers?.['kallglot-signature'];
      let verdict;
      try { await verifyWebhook({ payload: raw, header, secret: ev.secret ?? $('wh-secret').value.trim() }); verdict = 'Signature verified'; } catch (err) { verdict = `Signature check failed: ${err.message}`; }
      const div = document.createElement('div');
      div.className = 'kg-event';
      div.dataset.verified = String(verdict === 'Signature verified');
      div.innerHTML = '<h4></h4><p></p><pre><code></code></pre>';
      div.children[0].textContent = `${ev.type} · ${ev.id}`;
      div.children[1].textContent = verdict;
      div.children[1].className = verdict === 'Signature verified' ? 'kg-good' : 'kg-bad';
      div.querySelector('code').textContent = JSON.stringify(typeof ev.payload === 'string' ? safeJson(ev.payload) : ev.payload, null, 2);
      $('wh-events').appendChild(div);
    }
  } catch (err) { $('wh-status').textContent = `Could not load events: ${err.message}`; }
});

renderOp();
window.kgPlayground = { ready: true };
