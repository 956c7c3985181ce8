// playground.html: a REST console, a live stream console and a webhook viewer against the local mock. Static
// page + one esbuild bundle (assets/playground.js: @kallglot/stream, its audio helpers, verifyWebhook, Ajv) +
// build-time data (assets/playground-data.js: operations with their examples, response schemas) + a sample WAV.
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeMulaw, wavToMulaw8k } from '@kallglot/stream/audio';
import { join } from 'node:path';
import { build } from 'esbuild';
import { deref, listOperations } from './spec.mjs';
import { shapeOf } from '../../../packages/client/scripts/sdk-shape.mjs';
import { escapeHtml as esc, page } from './layout.mjs';
import { LOCAL_REST } from './landing.mjs';
import { isInferred } from './inferred.mjs';

function exampleOf(doc, media) {
  if (!media) return undefined;
  if (media.example !== undefined) return { default: media.example };
  const named = Object.entries(media.examples ?? {}).map(([k, e]) => [k, deref(doc, e)]).filter(([, e]) => e && 'value' in e);
  if (named.length) return Object.fromEntries(named.map(([k, e]) => [k, e.value]));
  return undefined;
}

function paramExample(doc, p) {
  if (p.example !== undefined) return p.example;
  const named = Object.values(p.examples ?? {}).map((e) => deref(doc, e)).find((e) => e && 'value' in e);
  if (named) return named.value;
  const s = deref(doc, p.schema ?? {});
  return s.example ?? s.examples?.[0] ?? s.default ?? '';
}

/** Operations as the console needs them: parameters with example values, body examples, response schemas. */
export function playgroundData(openapi) {
  const ops = listOperations(openapi).map(({ path, method, op, parameters }) => {
    const body = op.requestBody ? deref(openapi, op.requestBody) : undefined;
    const responses = {};
    for (const [status, raw] of Object.entries(op.responses ?? {})) {
      const res = deref(openapi, raw);
      const json = Object.entries(res?.content ?? {}).find(([t]) => t.includes('json'));
      responses[status] = { schema: json ? json[1].schema ?? null : null, binary: !json && !!res?.content, inferred: isInferred(res) };
    }
    return {
      id: op.operationId,
      tag: op.tags?.[0] ?? 'Other',
      method,
      path,
      summary: op.summary ?? op.operationId,
      inferred: isInferred(op),
      params: parameters
        .filter((p) => p.in === 'path' || p.in === 'query')
        .map((p) => ({ name: p.name, in: p.in, required: !!p.required, example: p.in === 'path' || p.required || p.example !== undefined ? paramExample(openapi, p) : '' })),
      idempotent: parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'),
      // The facade method for "Copy as TypeScript" (`sessions.retrieve`), by the client generator's own rule.
      sdk: (({ resource, method: name }) => [...resource, name].join('.'))(shapeOf(op, `${method.toUpperCase()} ${path}`)),
      body: body?.content?.['application/json'] ? exampleOf(openapi, body.content['application/json']) ?? { default: {} } : null,
      responses,
    };
  });
  // Only what the validators need: the components the schemas point into.
  return { ops, components: { schemas: openapi.components?.schemas ?? {}, responses: openapi.components?.responses ?? {} } };
}

/**
 * The speech the packages ship (`call.wav`: espeak-ng, three phrases, μ-law) as a 16-bit PCM WAV at 8 kHz. The local
 * mock's transcript turns follow voice activity, so the playground's sample must hold speech; PCM, because Chromium's
 * fake microphone (the playground's tests) reads PCM WAV only.
 */
function speechWav(root) {
  const pcm = decodeMulaw(wavToMulaw8k(readFileSync(join(root, '..', 'packages', 'stream', 'examples', 'call.wav'))));
  const data = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) data.writeInt16LE(pcm[i], i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0); header.writeUInt32LE(36 + data.length, 4); header.write('WAVE', 8);
  header.write('fmt ', 12); header.writeUInt32LE(16, 16); header.writeUInt16LE(1, 20); header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24); header.writeUInt32LE(16000, 28); header.writeUInt16LE(2, 32); header.writeUInt16LE(16, 34);
  header.write('data', 36); header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

export async function buildPlayground({ openapi, asyncapi, css, out, root }) {
  const data = playgroundData(openapi);
  const streamMock = Object.values(asyncapi.servers ?? {}).map((s) => deref(asyncapi, s)).find((s) => s.protocol === 'ws');
  data.defaults = { base: LOCAL_REST, stream: streamMock ? `ws://${streamMock.host}` : '' };
  writeFileSync(join(out, 'assets', 'playground-data.js'), `window.KG_PLAYGROUND=${JSON.stringify(data).replace(/</g, '\\u003c')};\n`);
  writeFileSync(join(out, 'assets', 'sample.wav'), speechWav(root));
  const result = await build({
    entryPoints: [join(root, 'src', 'client', 'playground.js')],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    legalComments: 'none',
    outfile: join(out, 'assets', 'playground.js'),
    logLevel: 'silent',
    metafile: true,
  });
  const byTag = new Map();
  for (const op of data.ops) {
    if (!byTag.has(op.tag)) byTag.set(op.tag, []);
    byTag.get(op.tag).push(op);
  }
  const options = [...byTag.entries()].map(([tag, list]) => `<optgroup label="${esc(tag)}">${list.map((o) => `<option value="${esc(o.id)}">${esc(o.method.toUpperCase())} ${esc(o.path)} · ${esc(o.summary)}</option>`).join('')}</optgroup>`).join('');
  const body = `<main class="kg-pg">
<div class="kg-pg-head">
<h1>Playground</h1>
<p>Call the REST API, stream audio and read the signed webhooks of the local mock (<code>npm start</code>), from this page.</p>
<div class="kg-warn" role="note"><strong>Use test keys only.</strong> Live keys (<code>sk_live_…</code>) do not belong in a browser: anything running in a page can read them, and the real API serves no CORS. The key you enter here stays in this tab (<code>sessionStorage</code>) and is sent only to the base URL below.</div>
<div class="kg-pg-settings">
<label>REST base URL <input id="pg-base" type="url" spellcheck="false"></label>
<label>API key <input id="pg-key" type="password" autocomplete="off" spellcheck="false" placeholder="sk_test_…"></label>
</div>
<div class="kg-tabs" role="tablist">
<button role="tab" id="tab-rest" aria-controls="rest" aria-selected="true">REST console</button>
<button role="tab" id="tab-stream" aria-controls="stream" aria-selected="false">Stream console</button>
<button role="tab" id="tab-webhooks" aria-controls="webhooks" aria-selected="false">Webhooks</button>
</div>
</div>

<section id="rest" role="tabpanel" class="kg-pg-panel">
<div class="kg-pg-grid">
<div class="kg-pg-col">
<label>Operation <select id="rest-op">${options}</select></label>
<div id="rest-params"></div>
<label id="rest-body-label">Body <select id="rest-example"></select><textarea id="rest-body" rows="10" spellcheck="false"></textarea></label>
<div class="kg-pg-actions"><button id="rest-send" class="kg-primary">Send</button><button id="rest-curl">Copy as curl</button><button id="rest-ts">Copy as TypeScript</button></div>
<pre><code id="rest-snippet"></code></pre>
</div>
<div class="kg-pg-col">
<div id="rest-status" class="kg-pg-status">No request sent yet.</div>
<div id="rest-validation"></div>
<h3>Headers</h3><div class="kg-table"><table class="kg-fields"><tbody id="rest-headers"></tbody></table></div>
<h3>Body</h3><pre><code id="rest-response"></code></pre>
</div>
</div>
</section>

<section id="stream" role="tabpanel" class="kg-pg-panel" hidden>
<div class="kg-pg-grid">
<div class="kg-pg-col">
<div class="kg-pg-actions"><button id="stream-create" class="kg-primary">Create a session</button><span id="stream-session" class="kg-muted"></span></div>
<label>stream.url <input id="stream-url" spellcheck="false" placeholder="ws://127.0.0.1:4011/v1/sessions/…/connect"></label>
<label>stream.token <input id="stream-token" spellcheck="false" placeholder="kst_…"></label>
<div class="kg-pg-actions"><button id="stream-connect" class="kg-primary">Connect</button><button id="stream-mic" disabled>Stream microphone</button><button id="stream-sample" disabled>Stream sample WAV</button><button id="stream-ping" disabled>Ping</button><button id="stream-end" disabled>End session</button><button id="stream-close" disabled>Close</button></div>
<div id="stream-state" class="kg-pg-status">Not connected.</div>
<div id="stream-close-info"></div>
<h3>Transcript</h3>
<div id="stream-transcript" class="kg-transcript"><p id="stream-partial" class="kg-partial"></p></div>
</div>
<div class="kg-pg-col">
<h3>Frames</h3>
<div class="kg-table kg-frames"><table class="kg-fields"><thead><tr><th>t</th><th>dir</th><th>type</th><th>bytes</th></tr></thead><tbody id="stream-log"></tbody></table></div>
</div>
</div>
</section>

<section id="webhooks" role="tabpanel" class="kg-pg-panel" hidden>
<p>Events the mock sent for a session, with their <code>Kallglot-Signature</code> checked in this page by <code>verifyWebhook</code> from <code>@kallglot/client</code>.</p>
<div class="kg-pg-settings"><label>Session id <input id="wh-session" spellcheck="false"></label><label>Signing secret <input id="wh-secret" spellcheck="false" value="whsec_kallglot_mock"></label></div>
<div class="kg-pg-actions"><button id="wh-load" class="kg-primary">Load events</button></div>
<div id="wh-status" class="kg-pg-status"></div>
<div id="wh-events"></div>
</section>
</main>`;
  const html = page({
    title: 'Playground · Kallglot',
    description: 'Try the Kallglot REST API, realtime stream and webhooks against the local mock.',
    active: 'playground.html',
    version: openapi.info?.version ?? '',
    css,
    body,
    // The console's scripts load after the first paint: the page reads (and warns) before it runs.
    script: `addEventListener('load', function () { ['assets/playground-data.js', 'assets/playground.js'].forEach(function (src) { var s = document.createElement('script'); s.src = src; s.async = false; document.body.appendChild(s); }); });`,
  });
  return { html, bytes: Object.values(result.metafile.outputs)[0]?.bytes ?? 0 };
}
