// Builds index.html from guides/overview.md. `<!-- spec:NAME -->` markers are replaced with tables generated
// from the bundled documents, so facts (URLs, headers, codes, events, modes) always match the spec.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deref, listOperations } from './spec.mjs';
import { escapeHtml as esc, page } from './layout.mjs';
import { md, mdInline } from './markdown.mjs';
import { INFERRED_HTML } from './inferred.mjs';

export const LOCAL_REST = 'http://127.0.0.1:4010';
const badge = (node) => (node?.['x-kallglot-source'] === 'inferred' ? `${INFERRED_HTML} ` : '');
const slug = (text) => String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const table = (head, rows) =>
  rows.length
    ? `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`
    : '<p><em>Not in the current spec bundle.</em></p>';
const opLink = (o, anchors) => `<a href="rest.html${anchors.get(o.op.operationId) ?? ''}"><code>${esc(o.op.operationId ?? `${o.method} ${o.path}`)}</code></a>`;

function findSchema(doc, predicate) {
  for (const [name, s] of Object.entries(doc.components?.schemas ?? {})) if (predicate(name, deref(doc, s))) return deref(doc, s);
  return undefined;
}

export function directives(openapi, asyncapi, anchors) {
  const ops = listOperations(openapi);
  // Header components are keyed by component name; the wire name is the key where responses use them.
  const wireNames = new Map();
  const scan = (node) => {
    if (!node || typeof node !== 'object') return;
    if (node.headers && typeof node.headers === 'object' && !Array.isArray(node.headers)) {
      for (const [name, h] of Object.entries(node.headers)) if (typeof h?.$ref === 'string' && !wireNames.has(h.$ref)) wireNames.set(h.$ref, name);
    }
    for (const child of Object.values(node)) scan(child);
  };
  scan(openapi);
  return {
    cards: () => `<div class="kg-cards">
<a class="kg-card" href="rest.html"><strong>REST API →</strong>${ops.length} operations: sessions, agents, transcripts, recordings, analyses.</a>
<a class="kg-card" href="stream.html"><strong>Stream API →</strong>Realtime audio in, transcripts and translations out, over one WebSocket.</a>
<a class="kg-card" href="#quickstart"><strong>Quickstart →</strong>Create a session and stream audio against the local mock.</a>
<a class="kg-card" href="playground.html"><strong>Playground →</strong>Send REST calls, stream audio and check webhooks against the local mock.</a>
<div class="kg-card kg-downloads"><strong>Download the spec</strong><a href="spec/openapi.json" download data-spec="openapi">OpenAPI 3.1 (REST, webhooks, code samples)</a><br><a href="spec/asyncapi.json" download data-spec="asyncapi">AsyncAPI 3 (stream)</a></div>
</div>`,
    servers: () => {
      const rows = (openapi.servers ?? []).map((s) => ['REST', `<code>${esc(s.url)}</code>`, mdInline(s.description ?? '')]);
      // The local REST mock: same paths and envelope, started with the stream mock by `npm start`.
      if (!rows.some((r) => r[1].includes(LOCAL_REST))) rows.push(['REST', `<code data-kg-local="rest" data-kg-default="${LOCAL_REST}">${LOCAL_REST}</code>`, 'Local mock of <code>@kallglot/mock</code> (<code>npm start</code>). Any <code>sk_test_…</code> key works.']);
      const channel = Object.values(asyncapi.channels ?? {}).map((c) => deref(asyncapi, c))[0];
      for (const raw of Object.values(asyncapi.servers ?? {})) {
        const s = deref(asyncapi, raw);
        const origin = `${s.protocol}://${s.host}`;
        // The local stream mock's row follows the mock that serves the site (assets/local-mock.js).
        const local = /^(127\.0\.0\.1|localhost)(:|$)/.test(String(s.host)) ? ` data-kg-local="stream" data-kg-default="${esc(origin)}"` : '';
        rows.push(['Stream', `<code${local}>${esc(`${origin}${s.pathname ?? ''}${channel?.address ?? ''}`)}</code>`, mdInline(s.description ?? s.title ?? '')]);
      }
      return table(['API', 'URL', 'Notes'], rows);
    },
    auth: () =>
      table(
        ['Scheme', 'How', 'Description'],
        Object.entries(openapi.components?.securitySchemes ?? {}).map(([name, raw]) => {
          const s = deref(openapi, raw);
          const how = s.type === 'http' ? `<code>Authorization: ${esc(s.scheme === 'bearer' ? 'Bearer' : s.scheme)} …</code>` : `<code>${esc(s.name ?? '')}</code> in ${esc(s.in ?? '')}`;
          return [`<code>${esc(name)}</code>`, how, badge(s) + mdInline(s.description ?? '')];
        }),
      ),
    errors: () => {
      const statuses = new Map();
      for (const o of ops) {
        for (const [code, raw] of Object.entries(o.op.responses ?? {})) {
          if (!/^[45]/.test(code)) continue;
          const res = deref(openapi, raw);
          if (!statuses.has(code)) statuses.set(code, { description: res.description ?? '', ops: [] });
          statuses.get(code).ops.push(o);
        }
      }
      const rows = [...statuses.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([code, v]) => [`<code>${code}</code>`, mdInline(v.description), `${v.ops.length} of ${ops.length}`]);
      const envelope = findSchema(openapi, (n, s) => s.properties?.error && n.toLowerCase().includes('error'));
      const inner = envelope ? deref(openapi, envelope.properties.error) : undefined;
      const fields = inner
        ? table(
            ['Field', 'Description'],
            Object.entries(inner.properties ?? {}).map(([k, p]) => {
              const s = deref(openapi, p);
              const values = s.enum ? `<br>${s.enum.map((v) => `<code>${esc(v)}</code>`).join(' ')}` : '';
              return [`<code>error.${esc(k)}</code>${(inner.required ?? []).includes(k) ? ' <small>required</small>' : ''}`, badge(s) + mdInline(s.description ?? '') + values];
            }),
          )
        : '';
      return `${fields}<h3>Statuses</h3>${table(['Status', 'Meaning', 'Operations'], rows)}`;
    },
    idempotency: () => {
      const rows = ops
        .filter((o) => o.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'))
        .map((o) => [opLink(o, anchors), `<code>${o.method.toUpperCase()} ${esc(o.path)}</code>`]);
      const param = ops.flatMap((o) => o.parameters).find((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
      return `${param ? md(param.description ?? '') : ''}${table(['Operation', 'Route'], rows)}`;
    },
    pagination: () => {
      const lists = ops.filter((o) => o.parameters.some((p) => p.in === 'query' && ['starting_after', 'limit', 'ending_before'].includes(p.name)));
      const params = lists[0]?.parameters.filter((p) => p.in === 'query') ?? [];
      return `<p>List routes: ${lists.map((o) => `${opLink(o, anchors)} <code>${o.method.toUpperCase()} ${esc(o.path)}</code>`).join(', ') || 'none'}.</p>${table(
        ['Query parameter', 'Type', 'Description'],
        params.map((p) => {
          const s = deref(openapi, p.schema ?? {});
          const range = s.minimum !== undefined || s.maximum !== undefined ? ` (${s.minimum ?? ''}–${s.maximum ?? ''}${s.default !== undefined ? `, default ${s.default}` : ''})` : '';
          return [`<code>${esc(p.name)}</code>`, esc([].concat(s.type ?? '').join(' | ')) + range, badge(p) + mdInline(p.description ?? s.description ?? '')];
        }),
      )}`;
    },
    'rate-limits': () =>
      table(
        ['Header', 'Description'],
        Object.entries(openapi.components?.headers ?? {})
          .map(([key, raw]) => [wireNames.get(`#/components/headers/${key}`) ?? key, deref(openapi, raw)])
          .filter(([name]) => /ratelimit|credit|retry|request/i.test(name))
          .map(([name, h]) => [`<code>${esc(name)}</code>`, badge(h) + mdInline(h.description ?? '')]),
      ),
    webhooks: () => {
      const events = Object.entries(openapi.webhooks ?? {}).map(([name, raw]) => {
        const item = deref(openapi, raw);
        const op = item.post ?? Object.values(item)[0] ?? {};
        return [`<code>${esc(name)}</code>`, badge(op) + mdInline(op.summary ?? op.description ?? '')];
      });
      const headers = new Map();
      for (const raw of Object.values(openapi.webhooks ?? {})) {
        const op = deref(openapi, raw).post ?? {};
        for (const p of (op.parameters ?? []).map((x) => deref(openapi, x))) if (p.in === 'header') headers.set(p.name, p);
      }
      return `${headers.size ? `<h3>Delivery headers</h3>${table(['Header', 'Description'], [...headers.values()].map((p) => [`<code>${esc(p.name)}</code>`, badge(p) + mdInline(p.description ?? '')]))}` : ''}<h3>Events</h3>${table(['Event', 'When'], events)}`;
    },
    'session-modes': () => {
      const mode = findSchema(openapi, (n) => n === 'SessionMode');
      if (!mode) return '<p><em>Not in the current spec bundle.</em></p>';
      const described = mode['x-enumDescriptions'];
      return described
        ? table(['Mode', 'Description'], (mode.enum ?? []).map((v) => [`<code>${esc(v)}</code>`, mdInline(described[v] ?? '')]))
        : `<p>${(mode.enum ?? []).map((v) => `<code>${esc(v)}</code>`).join(' · ')}</p>${md(mode.description ?? '')}`;
    },
    languages: () => {
      const codes = new Set();
      const walk = (node) => {
        if (Array.isArray(node)) return node.forEach(walk);
        if (!node || typeof node !== 'object') return;
        for (const [k, v] of Object.entries(node)) {
          if (/language$/.test(k) && typeof v === 'string' && /^[a-z]{2}(-[A-Z]{2})?$/.test(v)) codes.add(v);
          else walk(v);
        }
      };
      walk([openapi, asyncapi]);
      const schema = findSchema(openapi, (n) => n === 'LanguageCode');
      return `${schema ? md(String(schema.description ?? '').replace(/\s*The full supported list[^.]*\.(\s*see the Languages page\.)?/i, '')) : ''}<p>Codes used in the examples: ${[...codes].sort().map((c) => `<code>${esc(c)}</code>`).join(' ')}.</p>`;
    },
    operations: () => {
      const byTag = new Map();
      for (const o of ops) {
        const tag = o.op.tags?.[0] ?? 'Other';
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push(o);
      }
      return [...byTag.entries()]
        .map(([tag, list]) => `<h3>${esc(tag)}</h3>${table(['Operation', 'Route', 'Summary'], list.map((o) => [opLink(o, anchors), `<span class="kg-pill ${o.method}">${o.method}</span> <code>${esc(o.path)}</code>`, badge(o.op) + mdInline(o.op.summary ?? '')]))}`)
        .join('');
    },
  };
}

export function buildLanding({ openapi, asyncapi, guidePath, css, anchors, tools = {} }) {
  const source = readFileSync(guidePath, 'utf8');
  const dirs = directives(openapi, asyncapi, anchors);
  // `<!-- file:NAME.ts -->` includes a guide program (type-checked by the tests) as a code block.
  const ids = new Set();
  const uniqueId = (text) => {
    let id = slug(text);
    for (let n = 2; ids.has(id); n++) id = `${slug(text)}-${n}`;
    ids.add(id);
    return id;
  };
  const fill = (html) =>
    html
      .replace(/<!-- spec:([a-z-]+) -->/g, (_, name) => {
        if (!dirs[name]) throw new Error(`guides: unknown directive spec:${name}`);
        return dirs[name]();
      })
      .replace(/<!-- tools:([a-z-]+) -->/g, (_, name) => {
        if (!tools[name]) throw new Error(`guides: unknown directive tools:${name}`);
        return tools[name]();
      })
      // Sub-headings get ids, so the search and the menu can link them.
      .replace(/<h3>([\s\S]*?)<\/h3>/g, (_, inner) => `<h3 id="${uniqueId(inner.replace(/<[^>]+>/g, ''))}">${inner}</h3>`)
      .replace(/<!-- file:([\w.-]+\.ts) -->/g, (_, name) => `<pre><code class="language-ts">${esc(readFileSync(join(dirname(guidePath), name), 'utf8'))}</code></pre>`);
  const [intro, ...parts] = source.split(/^## /m);
  const sections = parts.map((part) => {
    const [title, ...rest] = part.split('\n');
    return { id: slug(title), title: title.trim(), html: fill(md(rest.join('\n'))) };
  });
  const menu = `<nav class="kg-menu" aria-label="Guides"><h4>Guides</h4>${sections.map((s) => `<a href="#${s.id}">${esc(s.title)}</a>`).join('')}
<h4>Reference</h4><a href="rest.html">REST API</a><a href="stream.html">Stream API</a><a href="playground.html">Playground</a><a href="assumptions.html">Assumptions</a></nav>`;
  const body = `<div class="kg-layout">${menu}<main class="kg-main">
<div class="kg-hero">${fill(md(intro))}</div>
${sections.map((s) => `<section class="kg-section kg-wide" id="${s.id}"><div class="kg-prose"><h2>${esc(s.title)}</h2>${s.html}</div></section>`).join('\n')}
<footer class="kg-footer">Generated from the OpenAPI ${esc(openapi.openapi)} and AsyncAPI ${esc(asyncapi.asyncapi)} documents, API version ${esc(openapi.info?.version)}. Parts marked ${INFERRED_HTML} are listed on the <a href="assumptions.html">Assumptions</a> page.</footer>
</main></div>`;
  const html = page({
    title: `${openapi.info?.title ?? 'Kallglot API'} · Overview`,
    description: 'Kallglot voice API: REST, realtime stream, webhooks and guides.',
    active: 'index.html',
    version: openapi.info?.version ?? '',
    css,
    body,
  });
  return { html, sections };
}
