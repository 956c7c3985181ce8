// The site search index, built at build time from the spec and the generated pages, shipped as one small
// script (assets/search-index.js) so search works offline and from file:// (no fetch).
import { deref, listOperations } from './spec.mjs';

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

export function buildSearchIndex({ openapi, anchors, webhookAnchors, streamTypes, closeCodes, guides, streamSections }) {
  const out = [];
  for (const { path, method, op } of listOperations(openapi)) {
    out.push({ k: 'REST', t: op.summary ?? op.operationId, s: `${method.toUpperCase()} ${path} · ${op.operationId}`, u: `rest.html${anchors.get(op.operationId) ?? ''}`, x: plain(op.description) });
  }
  for (const [event, raw] of Object.entries(openapi.webhooks ?? {})) {
    const item = deref(openapi, raw);
    const op = item.post ?? Object.values(item)[0] ?? {};
    out.push({ k: 'Webhook', t: event, s: plain(op.summary ?? '', 120), u: webhookAnchors.get(event) ? `rest.html${webhookAnchors.get(event)}` : 'index.html#webhooks-and-signatures', x: plain(op.description) });
  }
  for (const m of streamTypes) out.push({ k: 'Stream message', t: m.type, s: plain(m.summary, 120), u: `stream.html#${m.id}`, x: `${m.direction} ${plain(m.description)}` });
  for (const c of closeCodes) out.push({ k: 'Close code', t: `${c.code} ${c.name ?? ''}`.trim(), s: plain(c.client_should ?? c.description ?? '', 120), u: `stream.html#close-${c.code}`, x: plain(c.description ?? '') });
  for (const g of guides) out.push({ k: 'Guide', t: g.title, s: '', u: `index.html#${g.id}`, x: plain(g.html, 400) });
  for (const s of streamSections) out.push({ k: 'Stream', t: s.title, s: '', u: `stream.html#${s.id}`, x: plain(s.text ?? '', 200) });
  out.push({ k: 'Page', t: 'Playground', s: 'Try REST calls, the live stream and webhooks against the local mock', u: 'playground.html', x: 'try it console curl typescript microphone websocket' });
  out.push({ k: 'Page', t: 'Assumptions', s: 'Parts of the contract not confirmed by the public docs', u: 'assumptions.html', x: 'assumptions unconfirmed' });
  return out;
}

export const searchScript = (entries) => `window.KG_SEARCH=${JSON.stringify(entries).replace(/</g, '\\u003c')};\n`;
