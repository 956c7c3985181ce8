// The site search index, built at build time from the spec and the generated pages, shipped as one small
// script (assets/search-index.js) so search works offline and from file:// (no fetch).
import { deref, listOperations } from './spec.mjs';
import { createSearch } from '../../src/client/search-rank.mjs';

/** Visible text of an HTML fragment (tags dropped, entities decoded), collapsed to one line. */
export function plain(html, max = 240) {
  const text = String(html ?? '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/[`*_]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `<h3 id="…">Title</h3>` headings of a guide section's HTML. */
const subHeadings = (html) => [...String(html).matchAll(/<h3[^>]*?(?:id="([^"]*)")?[^>]*>([\s\S]*?)<\/h3>/g)].map((m) => ({ id: m[1], title: plain(m[2], 120) }));

export function buildSearchIndex({ openapi, anchors, webhookAnchors, streamTypes, closeCodes, guides, streamSections, tools = [] }) {
  const out = [];
  for (const { path, method, op } of listOperations(openapi)) {
    out.push({ k: 'REST', t: op.summary ?? op.operationId, s: `${method.toUpperCase()} ${path} · ${op.operationId}`, h: `REST API ${(op.tags ?? []).join(' ')}`, u: `rest.html${anchors.get(op.operationId) ?? ''}`, x: plain(op.description) });
  }
  for (const [event, raw] of Object.entries(openapi.webhooks ?? {})) {
    const item = deref(openapi, raw);
    const op = item.post ?? Object.values(item)[0] ?? {};
    out.push({ k: 'Webhook', t: event, s: plain(op.summary ?? '', 120), u: webhookAnchors.get(event) ? `rest.html${webhookAnchors.get(event)}` : 'index.html#webhooks-and-signatures', x: plain(op.description) });
  }
  out.push({ k: 'Page', t: 'Stream API', s: 'Realtime audio over a WebSocket: handshake, messages, audio format, close codes', h: 'websocket realtime audio stream transcripts', u: 'stream.html', x: streamSections.map((s) => s.title).join(' ') });
  for (const m of streamTypes) out.push({ k: 'Stream message', t: m.type, s: plain(m.summary, 120), h: 'Stream API websocket', u: `stream.html#${m.id}`, x: `${m.direction} ${plain(m.description)}` });
  for (const c of closeCodes) out.push({ k: 'Close code', t: `${c.code} ${c.name ?? ''}`.trim(), s: plain(c.client_should ?? c.description ?? '', 120), h: 'Stream API websocket close', u: `stream.html#close-${c.code}`, x: plain(c.description ?? '') });
  for (const s of streamSections) out.push({ k: 'Stream', t: s.title, s: '', h: 'Stream API websocket', u: `stream.html#${s.id}`, x: plain(s.text ?? '', 400) });
  for (const g of guides) {
    const heads = subHeadings(g.html);
    out.push({ k: 'Guide', t: g.title, s: '', h: heads.map((h) => h.title).join(' '), u: `index.html#${g.id}`, x: plain(g.html, 1500) });
    for (const h of heads) if (h.id) out.push({ k: 'Guide', t: h.title, s: g.title, h: g.title, u: `index.html#${h.id}`, x: '' });
  }
  // The package helpers and the CLI commands and flags (the "Packages and tools" guide names them).
  for (const t of tools) out.push(t);
  out.push({ k: 'Page', t: 'Playground', s: 'Try REST calls, the live stream and webhooks against the local mock', h: 'try it console', u: 'playground.html', x: 'curl typescript microphone websocket send request' });
  out.push({ k: 'Page', t: 'Assumptions', s: 'Parts of the contract not confirmed by the public docs', u: 'assumptions.html', x: 'assumptions unconfirmed' });
  return out;
}

/** The index and the ranking function (src/client/search-rank.mjs, shipped as its own source text). */
export const searchScript = (entries) => `window.KG_SEARCH=${JSON.stringify(entries).replace(/</g, '\\u003c')};\nwindow.KG_CREATE_SEARCH=${createSearch.toString()};\n`;
