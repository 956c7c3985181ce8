#!/usr/bin/env node
// Builds the static docs site into dist/: index.html (guides), rest.html (Redoc via `redocly build-docs`),
// stream.html (generated from the AsyncAPI document). Everything comes from the bundled spec at build time.
// Usage: node scripts/build.mjs [--openapi path] [--asyncapi path] [--out dir]
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { readJson, specPath } from './lib/spec.mjs';
import { addCodeSamples } from './lib/code-samples.mjs';
import { INFERRED_HTML, markInferredOpenApi } from './lib/inferred.mjs';
import { bodyScripts, escapeHtml, header, headExtras } from './lib/layout.mjs';
import { buildLanding, LOCAL_REST } from './lib/landing.mjs';
import { buildStreamPage } from './lib/stream-page.mjs';
import { buildAssumptions } from './lib/assumptions.mjs';
import { buildSearchIndex, searchScript } from './lib/search-index.mjs';
import { finishPage } from './lib/highlight.mjs';
import { userText } from './lib/voice.mjs';
import { deref, listOperations } from './lib/spec.mjs';
import { buildPlayground } from './lib/playground.mjs';
import { buildTools } from './lib/tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { values: args } = parseArgs({ options: { openapi: { type: 'string' }, asyncapi: { type: 'string' }, out: { type: 'string' } } });
const out = args.out ?? join(root, 'dist');
const work = join(root, '.build');
const started = Date.now();

const openapiPath = specPath('openapi', args.openapi);
const asyncapiPath = specPath('asyncapi', args.asyncapi);
const openapi = readJson(openapiPath);
const asyncapi = readJson(asyncapiPath);
if (!String(openapi.openapi ?? '').startsWith('3.')) throw new Error(`${openapiPath}: not an OpenAPI 3 document`);
if (!String(asyncapi.asyncapi ?? '').startsWith('3.')) throw new Error(`${asyncapiPath}: not an AsyncAPI 3 document`);

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'spec'), { recursive: true });
mkdirSync(join(out, 'assets'), { recursive: true });
mkdirSync(work, { recursive: true });

const css = ['theme.css', 'site.css'].map((f) => readFileSync(join(root, 'src', f), 'utf8')).join('\n');
const themeCss = readFileSync(join(root, 'src', 'theme.css'), 'utf8');

// 1. Docs-only copy of the REST contract: code samples and visible "inferred" marks.
const docsSpec = structuredClone(openapi);
const samples = addCodeSamples(docsSpec);
const inferred = markInferredOpenApi(docsSpec);
docsSpec.info = {
  ...docsSpec.info,
  description: `${docsSpec.info?.description ?? ''}\n\nEvery operation has curl and TypeScript (\`@kallglot/client\`) samples; set \`export KALLGLOT_API_KEY=sk_test_…\` first. Parts marked ${INFERRED_HTML} are listed on the [Assumptions](assumptions.html) page. The realtime audio stream is on the [Stream API](stream.html) page; try both in the [Playground](playground.html). Downloads: [openapi.json](spec/openapi.json), [asyncapi.json](spec/asyncapi.json).`,
};
// Redoc prints server descriptions as plain text: no Markdown backticks there. The local mock is a server too.
docsSpec.servers = [
  ...(docsSpec.servers ?? []).map((s) => ({ ...s, description: String(s.description ?? '').replace(/`([^`]*)`/g, '$1') })),
  ...((docsSpec.servers ?? []).some((s) => s.url === LOCAL_REST) ? [] : [{ url: LOCAL_REST, description: 'Local mock (npm start): same paths, any sk_test_ key' }]),
];
// Operations that hand out stream.url / stream.token link to the stream page.
const restOps = listOperations(docsSpec).map(({ op }) => {
  const ok = Object.entries(op.responses ?? {}).find(([code]) => /^2/.test(code));
  const schema = ok ? deref(docsSpec, deref(docsSpec, ok[1])?.content?.['application/json']?.schema ?? {}) : undefined;
  const givesStream = !!deref(docsSpec, schema?.properties?.stream ?? {})?.properties?.token;
  if (givesStream) op.description = `${op.description ?? ''}\n\nOpen the realtime stream with the returned \`stream.url\` and \`stream.token\`: see the [Stream API](stream.html#handshake) and its [messages](stream.html#client-to-server).`;
  return { operationId: op.operationId, givesStream };
});
// Spec text that points at a "Languages page" links the languages section instead.
const relink = (node) => {
  if (Array.isArray(node)) return node.forEach(relink);
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description' && typeof v === 'string') node[k] = v.replace(/\b(see )?the Languages page\b/g, (m, see) => `${see ?? ''}the [Languages](index.html#languages) section`);
    else if (k !== 'x-codeSamples') relink(v);
  }
};
relink(docsSpec);
// Redoc shows if/then/else as "One of: case 1 / case 2" unless the branches are named: name them after the
// condition (docs copy only; titles the spec gives win).
const nameBranches = (node) => {
  if (Array.isArray(node)) return node.forEach(nameBranches);
  if (!node || typeof node !== 'object') return;
  if (node.if && typeof node.if === 'object' && (node.then || node.else)) {
    const conds = Object.entries(node.if.properties ?? {}).filter(([, v]) => v && (v.const !== undefined || v.enum)).map(([k, v]) => [k, v.const ?? v.enum.join(' or ')]);
    const when = conds.length ? conds.map(([k, v]) => `${k}: ${v}`).join(', ') : 'When the condition holds';
    const otherwise = conds.length === 1 ? `any other ${conds[0][0]}` : 'Otherwise';
    node.if = { ...node.if, 'x-displayName': node.if['x-displayName'] ?? node.if.title ?? when };
    node.else = { ...(node.else ?? {}), 'x-displayName': node.else?.['x-displayName'] ?? node.else?.title ?? otherwise };
  }
  for (const [k, v] of Object.entries(node)) if (k !== 'x-codeSamples' && k !== 'examples') nameBranches(v);
};
nameBranches(docsSpec);
writeFileSync(join(out, 'spec', 'openapi.json'), JSON.stringify(docsSpec, null, 2));
writeFileSync(join(out, 'spec', 'asyncapi.json'), JSON.stringify(asyncapi, null, 2));

// 2. rest.html with Redocly build-docs: Redoc inlined (no CDN), telemetry off, our header and theme.
const docsSpecPath = join(work, 'openapi.docs.json');
writeFileSync(docsSpecPath, JSON.stringify(docsSpec));
const template = readFileSync(join(root, 'templates', 'redoc.hbs'), 'utf8')
  .replace('{{{templateOptions.themeCss}}}', () => themeCss)
  .replace('{{{templateOptions.header}}}', () => header('rest.html', openapi.info?.version ?? '', restDrawer(docsSpec)))
  .replace('{{{templateOptions.headExtras}}}', () => headExtras())
  .replace('{{{templateOptions.scripts}}}', () => bodyScripts());
const templatePath = join(work, 'redoc.hbs');
writeFileSync(templatePath, template);
const cli = join(dirname(require.resolve('@redocly/cli/package.json')), 'lib', 'index.js');
const restPath = join(out, 'rest.html');
const run = spawnSync(
  process.execPath,
  [cli, 'build-docs', docsSpecPath, '--inlineBundle', '--output', restPath, '--template', templatePath, '--config', join(root, 'redocly.yaml'), '--title', `${openapi.info?.title ?? 'Kallglot API'} · REST reference`],
  { encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', NO_COLOR: '1' } },
);
if (run.status !== 0) {
  process.stderr.write(run.stdout + run.stderr);
  throw new Error(`redocly build-docs failed with exit code ${run.status}`);
}
// Redoc's attribution badge loads its logo from cdn.redoc.ly at runtime; point it at an inline SVG so the
// page makes no request to any other host.
const logo = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="60" height="16"><text x="0" y="12" font-family="sans-serif" font-size="11" fill="#5b3fd6">Redoc</text></svg>')}`;
let rest = readFileSync(restPath, 'utf8').replace(/https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g, logo);
// Redoc's bundle and the definition come inline (2.4 MB), so the server-rendered page could only paint after
// all of it had arrived. As a deferred classic script of its own (file:// refuses module scripts), the HTML is
// small and paints first; Redoc hydrates when its file lands. Its only module-only syntax is import.meta in
// web-worker/Node paths Redoc never takes in a page.
const inlineModule = /<script type="module">([\s\S]*?)<\/script>/.exec(rest);
if (inlineModule) {
  let code = inlineModule[1].replace(/\(0,eval\)\("import\.meta\.(?:url|dirname)"\)/g, 'location.href').replace(/\(1,eval\)\("import\.meta\.dirname"\)/g, '""').replace(/import\.meta\.url/g, 'location.href').replace(/import\.meta\.dirname/g, '""');
  // The bundle ends its module part with one export list; a classic script keeps the bindings as globals.
  code = code.replace(/;export\{RedocStandalone,hydrate,init\};/, ';');
  // (The definition's code samples may say `import.meta.resolve(…)` inside strings: text, not syntax.)
  if (/import\.meta(?!\.resolve\()/.test(code) || /;export\{/.test(code)) throw new Error('rest.html: Redoc bundle still has module-only syntax');
  // A flag for tests and tools: Redoc has hydrated the server-rendered page.
  code += '\n;window.kgRedocReady = true;\n';
  writeFileSync(join(out, 'assets', 'redoc.js'), code);
  rest = rest.replace(inlineModule[0], () => '<script src="assets/redoc.js" defer></script>');
}
writeFileSync(restPath, rest);

/** The mobile drawer of rest.html: every operation by tag (Redoc's own menu is React-owned). */
function restDrawer(doc) {
  const byTag = new Map();
  for (const { operationId, tag } of samples) {
    if (!byTag.has(tag ?? 'Other')) byTag.set(tag ?? 'Other', []);
    byTag.get(tag ?? 'Other').push(operationId);
  }
  const anchorOf = (id, tag) => `#/${String(tag ?? 'other').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}/${id.toLowerCase()}`;
  const summary = new Map(listOperations(doc).map(({ op }) => [op.operationId, op.summary ?? op.operationId]));
  return [...byTag.entries()].map(([tag, ids]) => `<h4>${escapeHtml(tag)}</h4>${ids.map((id) => `<a href="${anchorOf(id, tag)}">${escapeHtml(summary.get(id) ?? id)}</a>`).join('')}`).join('');
}

// Anchors of each operation in Redoc's hash router: "#<tag section id>/<operationid lowercased>".
const anchors = new Map();
const sectionIds = new Set([...rest.matchAll(/data-section-id="([^"]+)"/g)].map((m) => m[1]));
for (const { operationId, tag } of samples) {
  const tagId = `/${String(tag ?? 'other').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
  if (operationId && sectionIds.has(tagId)) anchors.set(operationId, `#${tagId}/${operationId.toLowerCase()}`);
}

const webhookAnchors = new Map();
for (const [event, raw] of Object.entries(docsSpec.webhooks ?? {})) {
  for (const op of Object.values(deref(docsSpec, raw))) {
    if (!op?.operationId) continue;
    const tagId = `/${String(op.tags?.[0] ?? 'webhooks').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
    if (sectionIds.has(`${tagId}/${op.operationId.toLowerCase()}`)) webhookAnchors.set(event, `#${tagId}/${op.operationId.toLowerCase()}`);
  }
}

// 3. stream.html, index.html, assumptions.html, playground.html.
const stream = buildStreamPage(asyncapi, { css, snippet: readFileSync(join(root, 'guides', 'stream.ts'), 'utf8'), anchors, restOps });
writeFileSync(join(out, 'stream.html'), finishPage(stream.html));
const tools = buildTools();
const landing = buildLanding({ openapi, asyncapi, guidePath: join(root, 'guides', 'overview.md'), css, anchors, tools: tools.directives });
writeFileSync(join(out, 'index.html'), finishPage(landing.html));
const assumptions = buildAssumptions({ openapi, asyncapi, anchors, css });
writeFileSync(join(out, 'assumptions.html'), finishPage(assumptions.html));
const playground = await buildPlayground({ openapi, asyncapi, docsSpec, css, out, root });
writeFileSync(join(out, 'playground.html'), finishPage(playground.html));

// 4. Shared assets: the site script and the search index.
writeFileSync(join(out, 'assets', 'site.js'), readFileSync(join(root, 'src', 'client', 'site.js'), 'utf8'));
// The local mock's URLs for the site's own copy (default ports); kallglot-mock answers this path with its real ones.
const streamMock = Object.values(asyncapi.servers ?? {}).map((s) => deref(asyncapi, s)).find((s) => /^(127\.0\.0\.1|localhost)(:|$)/.test(String(s.host)));
writeFileSync(join(out, 'assets', 'local-mock.js'), `window.KG_LOCAL_MOCK=${JSON.stringify({ rest: LOCAL_REST, stream: streamMock ? `${streamMock.protocol}://${streamMock.host}` : 'ws://127.0.0.1:4011' })};\n`);
const searchEntries = buildSearchIndex({
  openapi,
  anchors,
  webhookAnchors,
  streamTypes: stream.entries,
  closeCodes: stream.closeCodes,
  guides: landing.sections,
  streamSections: stream.sections,
  tools: tools.entries,
});
writeFileSync(join(out, 'assets', 'search-index.js'), searchScript(searchEntries));

// 5. Offline guard: no page may load a script, stylesheet or font from another host.
for (const file of ['index.html', 'rest.html', 'stream.html', 'assumptions.html', 'playground.html']) {
  const html = readFileSync(join(out, file), 'utf8');
  const external = [
    ...html.matchAll(/<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["'](?:https?:)?\/\/[^"']+/gi),
    ...html.matchAll(/@import\s+(?:url\()?["']?(?:https?:)?\/\//gi),
    ...html.matchAll(/url\(["']?https?:\/\/[^)]*\.(?:woff2?|ttf|otf|css)/gi),
  ];
  if (external.length) throw new Error(`${file} references an external resource: ${external[0][0].slice(0, 200)}`);
}

console.log(
  `docs built in ${Date.now() - started} ms → ${relative(process.cwd(), out) || '.'}: index.html, rest.html (${samples.length} operations with code samples, ${inferred.length} unconfirmed parts marked), stream.html (${stream.types.length} message types), assumptions.html (${assumptions.rows.length} rows), playground.html, search index (${searchEntries.length} entries)`,
);
