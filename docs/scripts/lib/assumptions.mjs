// assumptions.html: every part of the contract the public reference does not confirm, collected from the spec's
// x-kallglot-* extensions (`x-kallglot-source: inferred`, `x-kallglot-inferred: <what>`, `source: inferred`).
import { escapeHtml as esc, page } from './layout.mjs';
import { mdInline } from './markdown.mjs';
import { isInferred } from './inferred.mjs';
import { listOperations } from './spec.mjs';

const unescapePointer = (k) => k.replace(/~1/g, '/').replace(/~0/g, '~');
const slug = (text) => String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Extension notes speak to spec maintainers; on this page they speak to readers. */
export function publicVoice(text) {
  return String(text)
    .replace(/\s*\((?:see )?spec\/README(?:\.md)?[^)]*\)/gi, '')
    .replace(/;?\s*see spec\/README(?:\.md)?[^.;]*/gi, '')
    .replace(/\bthe (?:public )?docs\b/gi, 'the public reference')
    .replace(/\binferred\b/gi, 'assumed')
    .replace(/\bnot visible\b/gi, 'not shown')
    .replace(/\bcould not be read\b/gi, 'is not given')
    .replace(/x-kallglot-[a-z-]+/gi, 'this entry');
}

/** Walks a document and yields { pointer: string[], node } for every inferred node (examples skipped). */
function collect(doc) {
  const out = [];
  const walk = (node, pointer) => {
    if (Array.isArray(node)) return node.forEach((c, i) => walk(c, [...pointer, String(i)]));
    if (!node || typeof node !== 'object') return;
    if (isInferred(node)) out.push({ pointer, node });
    for (const [k, v] of Object.entries(node)) {
      if (k === 'examples' || k === 'example' || k === 'x-codeSamples') continue;
      walk(v, [...pointer, k]);
    }
  };
  walk(doc, []);
  return out;
}

/** "properties/stream/properties/token" → "stream.token"; keeps the readable tail of a schema pointer. */
function fieldPath(parts) {
  const names = [];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === 'properties' && parts[i + 1]) names.push(parts[++i]);
    else if (parts[i] === 'items') names.push('[]');
    else if (/^(oneOf|anyOf|allOf)$/.test(parts[i]) && parts[i + 1]) names.push(`(variant ${Number(parts[++i]) + 1})`);
  }
  return names.join('.').replace(/\.\[\]/g, '[]');
}

function restWhere(doc, parts, anchors) {
  const [root, a, b, ...rest] = parts.map(unescapePointer);
  if (root === 'paths') {
    const entry = listOperations(doc).find((o) => o.path === a && o.method === b);
    const id = entry?.op.operationId;
    const inner = [];
    if (rest[0] === 'responses' && rest[1]) inner.push(`response ${rest[1]}`);
    if (rest[0] === 'requestBody') inner.push('request body');
    if (rest[0] === 'parameters') inner.push('parameter');
    const field = fieldPath(rest);
    return { area: 'REST', label: `${b?.toUpperCase() ?? ''} ${a}${inner.length ? ` · ${inner.join(' ')}` : ''}${field ? ` · ${field}` : ''}`, href: `rest.html${(id && anchors.get(id)) ?? ''}` };
  }
  if (root === 'webhooks') return { area: 'Webhooks', label: `${a}${fieldPath(rest.slice(1)) ? ` · ${fieldPath(rest.slice(1))}` : ''}`, href: 'index.html#webhooks-and-signatures' };
  if (root === 'components') {
    const field = fieldPath([b, ...rest].slice(1));
    const isWebhookSchema = /Event$/.test(b ?? '');
    return { area: isWebhookSchema ? 'Webhooks' : 'REST', label: `${a === 'schemas' ? '' : `${a.replace(/s$/, '')} `}${b}${field ? `.${field}` : ''}`, href: 'rest.html' };
  }
  return { area: 'REST', label: parts.join('/'), href: 'rest.html' };
}

function streamWhere(doc, parts, node) {
  const p = parts.map(unescapePointer);
  const closeAt = p.indexOf('x-kallglot-close-codes');
  if (closeAt >= 0) return { area: 'Stream', label: node.code !== undefined ? `Close code ${node.code} ${node.name ?? ''}`.trim() : 'Close codes', href: node.code !== undefined ? `stream.html#close-${node.code}` : 'stream.html#close-codes' };
  if (p.includes('x-kallglot-keepalive')) return { area: 'Stream', label: 'Keepalive timings', href: 'stream.html#keepalive' };
  if (p.includes('x-kallglot-max-json-depth')) return { area: 'Stream', label: 'JSON depth of client frames', href: 'stream.html' };
  const msgAt = p.indexOf('messages');
  if (msgAt >= 0 && p[msgAt + 1]) {
    let message = doc;
    for (const k of p.slice(0, msgAt + 2)) message = message?.[k];
    const type = message?.payload?.properties?.type?.const ?? message?.name ?? p[msgAt + 1];
    const field = fieldPath(p.slice(msgAt + 2));
    return { area: 'Stream', label: `${type}${field ? ` · ${field}` : ''}`, href: `stream.html#message-${slug(type)}` };
  }
  if (p[0] === 'components' && p[1] === 'schemas') return { area: 'Stream', label: `${p[2]}${fieldPath(p.slice(3)) ? `.${fieldPath(p.slice(3))}` : ''}`, href: 'stream.html' };
  return { area: 'Stream', label: p.filter((k) => !/^(channels|components|properties)$/.test(k)).join(' · ') || 'Stream', href: 'stream.html' };
}

function whatOf(node) {
  const note = node['x-kallglot-inferred'];
  if (typeof note === 'string') return publicVoice(note);
  return 'Not stated by the public reference; designed in the style of the rest of the API.';
}

export function collectAssumptions({ openapi, asyncapi, anchors = new Map() }) {
  const rows = [];
  const seen = new Set();
  const add = (row) => {
    const key = `${row.area}|${row.label}|${row.what}`;
    if (seen.has(key)) return;
    seen.add(key);
    rows.push(row);
  };
  for (const { pointer, node } of collect(openapi)) add({ ...restWhere(openapi, pointer, anchors), what: whatOf(node) });
  for (const { pointer, node } of collect(asyncapi)) add({ ...streamWhere(asyncapi, pointer, node), what: whatOf(node) });
  return rows;
}

export function buildAssumptions({ openapi, asyncapi, anchors, css }) {
  const rows = collectAssumptions({ openapi, asyncapi, anchors });
  const areas = ['REST', 'Webhooks', 'Stream'];
  const sections = areas
    .map((area) => {
      const list = rows.filter((r) => r.area === area);
      if (!list.length) return '';
      return `<section class="kg-section kg-wide" id="${slug(area)}"><div class="kg-prose"><h2>${area} <small class="kg-count">${list.length}</small></h2>
<table class="kg-assumptions"><thead><tr><th>Where</th><th>What is assumed</th></tr></thead><tbody>
${list.map((r) => `<tr data-area="${esc(r.area)}"><td><a href="${esc(r.href)}"><code>${esc(r.label)}</code></a></td><td>${mdInline(r.what)}</td></tr>`).join('\n')}
</tbody></table></div></section>`;
    })
    .join('\n');
  const menu = `<nav class="kg-menu" aria-label="Assumptions"><h4>Assumptions</h4>${areas.filter((a) => rows.some((r) => r.area === a)).map((a) => `<a href="#${slug(a)}">${a}</a>`).join('')}</nav>`;
  const body = `<div class="kg-layout">${menu}<main class="kg-main">
<div class="kg-hero"><h1>Assumptions</h1>
<p>Kallglot’s public reference leaves some details open. Where it does, this contract fills the gap in the style of the rest of the API, and every page marks those parts with a <span class="kg-inferred-badge" tabindex="0" data-tip="Listed on this page.">Not confirmed by the public docs</span> badge. Here is the full list (${rows.length} parts), so you know what may still change when Kallglot documents it.</p></div>
${sections}
</main></div>`;
  return {
    html: page({ title: 'Assumptions · Kallglot', description: 'Every part of the Kallglot contract not confirmed by the public reference.', active: 'assumptions.html', version: openapi.info?.version ?? '', css, body }),
    rows,
  };
}
