// Generates stream.html from the bundled AsyncAPI 3 document: handshake, audio format, messages in each
// direction with examples, keepalive and close codes. Static HTML: no UI bundle ships for this page.
import OpenAPISampler from 'openapi-sampler';
import { deref } from './spec.mjs';
import { escapeHtml as esc, page } from './layout.mjs';
import { md, mdInline } from './markdown.mjs';
import { INFERRED_HTML, isInferred } from './inferred.mjs';
import { userText, humanDuration, humanKey } from './voice.mjs';

const badge = (node) => (isInferred(node) ? `${INFERRED_HTML} ` : '');
const slug = (text) => String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Deep copy with every local $ref replaced by its target (cycles cut), for samples and field tables. */
function resolveDeep(doc, node, stack = []) {
  if (Array.isArray(node)) return node.map((n) => resolveDeep(doc, n, stack));
  if (!node || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') {
    if (stack.includes(node.$ref)) return {};
    const { $ref, ...siblings } = node;
    return { ...resolveDeep(doc, deref(doc, { $ref }), [...stack, $ref]), ...resolveDeep(doc, siblings, stack) };
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolveDeep(doc, v, stack)]));
}

function typeLabel(schema) {
  if (schema.const !== undefined) return `<code>${esc(JSON.stringify(schema.const))}</code>`;
  if (schema.enum) return `<span class="kg-enum">${schema.enum.map((v) => `<code>${esc(JSON.stringify(v))}</code>`).join(' ')}</span>`;
  const types = [].concat(schema.type ?? (schema.oneOf || schema.anyOf ? 'one of' : 'any'));
  let label = types.join(' | ');
  if (schema.type === 'array' && schema.items) label = `array of ${typeLabel(schema.items).replace(/<[^>]+>/g, '')}`;
  if (schema.format) label += ` (${schema.format})`;
  if (schema.contentEncoding) label += ` (${schema.contentEncoding})`;
  if (schema.title && !['object'].includes(schema.type)) label += ` · ${schema.title}`;
  return esc(label);
}

/** Field rows: top-level properties plus nested object properties as dotted names. */
function fieldRows(schema, prefix = '', depth = 0) {
  const rows = [];
  const required = new Set(schema.required ?? []);
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const full = prefix ? `${prefix}.${name}` : name;
    rows.push(
      `<tr><td>${esc(full)}${required.has(name) ? '<span class="kg-req">required</span>' : ''}</td><td>${typeLabel(prop)}</td><td>${badge(prop)}${userText(mdInline(prop.description ?? ''))}</td></tr>`,
    );
    if (prop.type === 'object' && prop.properties && depth < 2) rows.push(...fieldRows(prop, full, depth + 1));
  }
  return rows;
}

function messageType(payload) {
  return payload?.properties?.type?.const ?? payload?.properties?.type?.enum?.[0];
}

function collectMessages(doc) {
  const groups = { receive: [], send: [] };
  const seen = { receive: new Set(), send: new Set() };
  for (const [opId, rawOp] of Object.entries(doc.operations ?? {})) {
    const op = deref(doc, rawOp);
    if (!groups[op.action]) continue;
    for (const ref of op.messages ?? []) {
      const message = resolveDeep(doc, ref);
      const payload = message.payload ?? {};
      const type = messageType(payload) ?? message.name;
      if (seen[op.action].has(type)) continue;
      seen[op.action].add(type);
      groups[op.action].push({ opId, op, message, payload, type });
    }
  }
  return groups;
}

/** "customerChunk" / "explicit_end" → "Customer chunk" / "Explicit end". */
function humanName(name) {
  if (!name) return undefined;
  const words = String(name).replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The texts that describe a message, each said once: later ones that repeat an earlier one are dropped. */
function distinctTexts(texts) {
  const norm = (t) => t.toLowerCase().replace(/[`*_]/g, '').replace(/^(client|server) → (server|client)\.\s*/, '').replace(/[^a-z0-9]+/g, ' ').trim();
  const kept = [];
  for (const raw of texts) {
    if (!raw) continue;
    const text = String(raw).replace(/^(Client|Server) → (server|client)\.\s*/, '');
    const n = norm(text);
    if (!n || kept.some((k) => norm(k).includes(n) || n.includes(norm(k)) || overlap(norm(k), n) > 0.6)) continue;
    kept.push(text);
  }
  return kept;
}
function overlap(a, b) {
  const A = new Set(a.split(' ')), B = new Set(b.split(' '));
  let common = 0;
  for (const w of A) if (B.has(w)) common++;
  return common / Math.min(A.size, B.size);
}

function examplesOf(message, payload) {
  const given = (message.examples ?? []).filter((e) => e.payload !== undefined);
  if (given.length) return given.map((e) => ({ name: e.summary ?? humanName(e.name) ?? 'Example', value: e.payload, generated: false }));
  return [{ name: 'Example', value: OpenAPISampler.sample(payload, { quiet: true }), generated: true }];
}

function messageSection(entry, direction, ctx) {
  const { message, payload, type, op } = entry;
  const dirLabel = direction === 'receive' ? '<span class="kg-pill c2s">client → server</span>' : '<span class="kg-pill s2c">server → client</span>';
  const examples = examplesOf(message, payload)
    .map((ex) => `<h5>${esc(ex.name)}${ex.generated ? ' (generated from the schema)' : ''}</h5><pre class="kg-wrap"><code class="language-json">${esc(JSON.stringify(ex.value, null, 2))}</code></pre>`)
    .join('');
  const rows = fieldRows(payload);
  const replies = (op.reply?.messages ?? []).map((m) => resolveDeep(ctx.doc, m)).map((m) => messageType(m.payload) ?? m.name).filter(Boolean);
  const reply = replies.length
    ? `<p class="kg-reply">The server replies with ${replies.map((t) => `<a href="#message-${slug(t)}"><code>${esc(t)}</code></a>`).join(', ')}.</p>`
    : '';
  const texts = distinctTexts([message.summary ?? op.summary, message.description ?? payload.description, payload.description, op.description]);
  const related = ctx.related(type);
  return `<section class="kg-section" id="message-${slug(type)}" data-message-type="${esc(type)}" data-direction="${direction}">
<div class="kg-prose">
<div class="kg-dir">${dirLabel}</div>
<h3><code>${esc(type)}</code> ${badge(message) || badge(payload)}</h3>
${texts.map((t) => userText(md(t))).join('\n')}
${reply}
${related}
${rows.length ? `<table class="kg-fields"><thead><tr><th>Field</th><th>Type</th><th>Description</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : ''}
</div>
<aside class="kg-aside">${examples}</aside>
</section>`;
}

function serverUrls(doc, channel) {
  return Object.entries(doc.servers ?? {}).map(([name, raw]) => {
    const s = deref(doc, raw);
    const origin = `${s.protocol}://${s.host}`;
    // The local mock's row follows the mock that serves the site (assets/local-mock.js, read by site.js).
    const local = /^(127\.0\.0\.1|localhost)(:|$)/.test(String(s.host)) ? origin : undefined;
    return { name, title: s.title ?? name, description: s.description ?? s.summary ?? '', url: `${origin}${s.pathname ?? ''}${channel.address ?? ''}`, local };
  });
}

function tokenScheme(doc) {
  for (const raw of Object.values(doc.components?.securitySchemes ?? {})) {
    const s = deref(doc, raw);
    if (s.in === 'query') return s;
  }
  return undefined;
}

/** x-kallglot-* extension from the channel or the root, as an array of rows. */
function extension(doc, channel, name) {
  const value = channel?.[name] ?? doc[name];
  if (value === undefined) return undefined;
  return value;
}

function rowsOf(value) {
  if (Array.isArray(value)) return value;
  if (Array.isArray(value?.codes)) return value.codes;
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .filter(([k]) => /^\d+$/.test(k))
      .map(([code, v]) => ({ code: Number(code), ...(typeof v === 'object' ? v : { name: v }) }));
  }
  return [];
}

function closeCodeTable(value) {
  const rows = rowsOf(value);
  if (!rows.length) return '<p>The AsyncAPI document lists no close codes.</p>';
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => k !== 'source' && !k.startsWith('x-'));
  const head = columns.map((c) => `<th>${esc(c.replace(/_/g, ' '))}</th>`).join('');
  const body = rows
    .map((r) => `<tr id="close-${esc(r.code)}" data-close-code="${esc(r.code)}">${columns.map((c, i) => `<td>${i === 0 ? badge(r) : ''}${c === 'code' || c === 'name' ? `<code>${esc(r[c] ?? '')}</code>` : userText(mdInline(typeof r[c] === 'object' ? JSON.stringify(r[c]) : String(r[c] ?? '')))}</td>`).join('')}</tr>`)
    .join('');
  return `<table class="kg-fields"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Keepalive settings as a readable table: "Client ping interval | 15 s". */
function keyValueTable(value) {
  const entries = Object.entries(value ?? {}).filter(([k]) => k !== 'source' && k !== 'description' && !k.startsWith('x-'));
  return `<table class="kg-fields"><tbody>${entries.map(([k, v]) => `<tr data-key="${esc(k)}"><td>${esc(humanKey(k))}</td><td>${typeof v === 'number' && /_ms$/.test(k) ? esc(humanDuration(v)) : mdInline(typeof v === 'object' ? JSON.stringify(v) : String(v))}</td></tr>`).join('')}</tbody></table>`;
}

/** A description that names settings by their keys ("every client_ping_interval_ms") says their values instead. */
function withValues(text, settings) {
  let out = String(text ?? '');
  for (const [k, v] of Object.entries(settings ?? {})) {
    if (typeof v !== 'number') continue;
    out = out.replace(new RegExp(`\\b${k}\\b`, 'g'), /_ms$/.test(k) ? humanDuration(v) : String(v));
  }
  return out;
}

/** The channel description minus the parts this page renders as their own sections (close codes, keepalive). */
function protocolText(description) {
  const blocks = String(description ?? '').split(/\n{2,}/);
  const out = [];
  let skippingTable = false;
  for (const block of blocks) {
    const lead = block.trim().match(/^\*\*([^*]+)\*\*/)?.[1]?.toLowerCase() ?? '';
    if (/^(close codes|keepalive)/.test(lead)) { skippingTable = /:\s*$/.test(block.trim()) || lead.startsWith('close codes'); continue; }
    if (skippingTable && /^\s*\|/.test(block)) { skippingTable = false; continue; }
    skippingTable = false;
    out.push(block);
  }
  return out.join('\n\n');
}

function audioSection(groups) {
  // The audio chunk schema is whatever object property of a client message carries encoding + sample rate.
  let chunk;
  for (const m of groups.receive) {
    for (const prop of Object.values(m.payload.properties ?? {})) {
      if (prop?.properties?.sample_rate_hz || prop?.properties?.encoding) chunk = { type: m.type, schema: prop };
    }
  }
  if (!chunk) return '';
  const rate = chunk.schema.properties.sample_rate_hz?.const ?? chunk.schema.properties.sample_rate_hz?.enum?.[0];
  const encoding = chunk.schema.properties.encoding?.const ?? chunk.schema.properties.encoding?.enum?.[0];
  // μ-law is one byte per sample, so frame sizes follow from the sample rate in the schema.
  const frames = rate
    ? [20, 100, 200].map((ms) => {
        const bytes = (rate * ms) / 1000;
        return `<tr><td>${ms} ms</td><td>${rate * ms / 1000} samples</td><td>${bytes} bytes</td><td>${4 * Math.ceil(bytes / 3)} base64 chars</td></tr>`;
      }).join('')
    : '';
  return `<section class="kg-section" id="audio-format">
<div class="kg-prose">
<h2>Audio format</h2>
<p>Audio travels inside <code>${esc(chunk.type)}</code> messages as base64 text. The stream accepts exactly one format:</p>
<table class="kg-fields"><tbody>
<tr><td>encoding</td><td><code>${esc(encoding)}</code> (G.711 μ-law, one byte per sample)</td></tr>
<tr><td>sample rate</td><td><code>${esc(rate)}</code> Hz (${rate / 1000} kHz)</td></tr>
<tr><td>channels</td><td>1 (mono)</td></tr>
<tr><td>frame</td><td>20 ms = ${rate ? (rate * 20) / 1000 : '?'} samples, the telephony frame; batch frames into chunks</td></tr>
</tbody></table>
${md(chunk.schema.description ?? '')}
<table><thead><tr><th>Duration</th><th>Samples</th><th>Bytes</th><th>Payload</th></tr></thead><tbody>${frames}</tbody></table>
</div>
<aside class="kg-aside"><h5>Encode PCM with @kallglot/stream</h5><pre><code>${esc(`import { encodeMulaw } from '@kallglot/stream/audio';

// 20 ms of 16-bit PCM at ${rate} Hz = ${rate ? (rate * 20) / 1000 : '?'} samples
const pcm = new Int16Array(${rate ? (rate * 20) / 1000 : 160});
const mulaw = encodeMulaw(pcm); // Uint8Array, one byte per sample
console.log(mulaw.length); // send it with stream.sendAudio(mulaw)`)}</code></pre></aside>
</section>`;
}

export function buildStreamPage(doc, { css, snippet, anchors = new Map(), restOps = [] }) {
  const channels = Object.entries(doc.channels ?? {}).map(([id, raw]) => ({ id, ...resolveDeep(doc, raw) }));
  const channel = channels[0] ?? {};
  const groups = collectMessages(doc);
  const scheme = tokenScheme(doc);
  const urls = serverUrls(doc, channel);
  const params = Object.entries(channel.parameters ?? {});
  const closeCodes = extension(doc, channel, 'x-kallglot-close-codes');
  const keepalive = extension(doc, channel, 'x-kallglot-keepalive');
  const wsQuery = channel.bindings?.ws?.query?.properties ?? {};
  // REST operations that hand out stream.url / stream.token, linked from the handshake and every message.
  const opLink = (id) => `<a href="rest.html${anchors.get(id) ?? ''}"><code>${esc(id)}</code></a>`;
  const streamOps = restOps.filter((o) => o.givesStream).map((o) => o.operationId);
  const createOp = streamOps.find((id) => /^create/i.test(id)) ?? streamOps[0];
  const retrieveOp = streamOps.find((id) => /^(retrieve|get)/i.test(id));
  const ctx = {
    doc,
    related: (type) => (streamOps.length ? `<p class="kg-related">This message travels on the socket opened with <code>stream.url</code> and <code>stream.token</code> from ${streamOps.map(opLink).join(' or ')}.</p>` : ''),
  };

  const menu = [
    ['handshake', 'Handshake'],
    ...(channel.description ? [['protocol', 'Protocol overview']] : []),
    ['audio-format', 'Audio format'],
    ...(keepalive ? [['keepalive', 'Keepalive']] : []),
    ['close-codes', 'Close codes'],
  ];
  const menuHtml = `<nav class="kg-menu" aria-label="Stream reference">
<h4>Connection</h4>${menu.map(([id, label]) => `<a href="#${id}">${label}</a>`).join('')}
<h4>Client → server</h4>${groups.receive.map((m) => `<a href="#message-${slug(m.type)}"><code>${esc(m.type)}</code></a>`).join('')}
<h4>Server → client</h4>${groups.send.map((m) => `<a href="#message-${slug(m.type)}"><code>${esc(m.type)}</code></a>`).join('')}
</nav>`;

  const first = urls[0]?.url ?? '';
  const handshake = `<section class="kg-section" id="handshake">
<div class="kg-prose">
<h2>Handshake</h2>
<p>Open a WebSocket to the session's stream URL with the stream token in the <code>${esc(scheme?.name ?? 'token')}</code> query parameter.</p>
<table class="kg-fields"><thead><tr><th>Server</th><th>URL</th></tr></thead><tbody>
${urls.map((u) => `<tr><td>${esc(u.title)}</td><td><code${u.local ? ` data-kg-local="stream" data-kg-default="${esc(u.local)}"` : ''}>${esc(u.url)}?${esc(scheme?.name ?? 'token')}=…</code><br>${mdInline(u.description)}</td></tr>`).join('')}
</tbody></table>
<h3>Path parameters</h3>
<table class="kg-fields"><tbody>${params.map(([name, p]) => `<tr><td>${esc(name)}</td><td>${badge(p)}${mdInline(p.description ?? '')}</td></tr>`).join('')}</tbody></table>
<h3>Query: <code>${esc(scheme?.name ?? 'token')}</code> and expiry</h3>
${badge(scheme)}${md(scheme?.description ?? '')}
${Object.entries(wsQuery).map(([name, s]) => `<p><code>${esc(name)}</code>: ${badge(s)}${mdInline(s.description ?? '')}</p>`).join('')}
<div class="kg-note">The token is checked once, during the handshake. ${createOp ? `${opLink(createOp)} returns <code>stream.url</code> and <code>stream.token</code>; ` : ''}${retrieveOp ? `get a fresh token from ${opLink(retrieveOp)} before reconnecting.` : 'get a fresh token before reconnecting.'}</div>
</div>
<aside class="kg-aside">
<h5>Connect</h5>
<pre><code>${esc(`${first}?${scheme?.name ?? 'token'}=kst_…`)}</code></pre>
<h5>With @kallglot/stream</h5>
<pre><code class="language-ts">${esc(snippet)}</code></pre>
</aside>
</section>`;

  const protocolHtml = channel.description
    ? `<section class="kg-section kg-wide" id="protocol"><div class="kg-prose"><h2>Protocol overview</h2>${userText(md(protocolText(channel.description)))}</div></section>`
    : '';
  const keepaliveHtml = keepalive
    ? `<section class="kg-section kg-wide" id="keepalive"><div class="kg-prose"><h2>Keepalive ${badge(keepalive)}</h2>${userText(md(withValues(keepalive.description, keepalive)))}${keyValueTable(keepalive)}</div></section>`
    : '';
  const closeHtml = `<section class="kg-section kg-wide" id="close-codes"><div class="kg-prose"><h2>Close codes ${badge(closeCodes)}</h2>
${userText(md(closeCodes?.description ?? 'How the server closes the socket, and what the client should do next.'))}
${closeCodeTable(closeCodes)}</div></section>`;

  const dirHeader = (id, title, text) => `<section class="kg-section kg-wide" id="${id}"><div class="kg-prose"><h2>${title}</h2><p>${text}</p></div></section>`;
  const body = `<div class="kg-layout">
${menuHtml}
<main class="kg-main">
<div class="kg-hero"><h1>${esc(doc.info?.title ?? 'Stream API')}</h1>
<p>Send call audio to Kallglot and get transcripts and translations back while people talk, over one WebSocket per session.</p>
<p>${createOp ? `Create a session with ${opLink(createOp)}: its <code>stream.url</code> and <code>stream.token</code> open the socket (<a href="#handshake">handshake</a>). ` : ''}Your client sends <a href="#client-to-server">audio and control messages</a>; the server sends <a href="#server-to-client">transcripts, translations and status</a>. Try it live in the <a href="playground.html#stream">playground</a>.</p>
<p><a href="spec/asyncapi.json" download>Download the AsyncAPI document</a></p></div>
${handshake}
${protocolHtml}
${audioSection(groups)}
${keepaliveHtml}
${closeHtml}
${dirHeader('client-to-server', 'Client → server messages', 'Messages your client sends on the socket. Each is a JSON text frame with a <code>type</code>.')}
${groups.receive.map((m) => messageSection(m, 'receive', ctx)).join('\n')}
${dirHeader('server-to-client', 'Server → client messages', 'Messages the server sends. Ignore unknown <code>type</code> values: new ones may be added.')}
${groups.send.map((m) => messageSection(m, 'send', ctx)).join('\n')}
<footer class="kg-footer">Generated from the AsyncAPI ${esc(doc.asyncapi)} document, version ${esc(doc.info?.version)}.</footer>
</main>
</div>`;
  return {
    html: page({
      title: `${doc.info?.title ?? 'Stream API'} · Kallglot`,
      description: 'Kallglot realtime stream reference: handshake, messages, audio format and close codes.',
      active: 'stream.html',
      version: doc.info?.version ?? '',
      css,
      body,
    }),
    types: [...groups.receive, ...groups.send].map((m) => m.type),
    entries: [...groups.receive.map((m) => ({ m, direction: 'client to server' })), ...groups.send.map((m) => ({ m, direction: 'server to client' }))].map(({ m, direction }) => ({
      type: m.type,
      id: `message-${slug(m.type)}`,
      summary: m.message.summary ?? m.op.summary ?? '',
      description: m.message.description ?? m.payload.description ?? '',
      direction,
    })),
    closeCodes: rowsOf(closeCodes),
    sections: [
      { id: 'handshake', title: 'Stream handshake', text: 'Connect token stream.url query parameter expiry' },
      { id: 'audio-format', title: 'Audio format', text: 'mulaw μ-law 8000 Hz mono base64 frames' },
      ...(keepalive ? [{ id: 'keepalive', title: 'Keepalive', text: withValues(keepalive.description, keepalive) }] : []),
      { id: 'close-codes', title: 'Close codes', text: 'How the server closes the socket' },
    ],
  };
}
