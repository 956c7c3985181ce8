// Generates x-codeSamples (curl + TypeScript with @kallglot/client) for every operation of the docs copy.
// The TypeScript samples use the `new Kallglot()` facade; which method an operation becomes comes from the
// same rule the client's generator applies (operationId + tag, or `x-kallglot-sdk`).
import OpenAPISampler from 'openapi-sampler';
import { shapeOf } from '../../../packages/client/scripts/sdk-shape.mjs';
import { curlSetup, sampleSetup } from './sample-setup.mjs';
import { deref, listOperations } from './spec.mjs';

const SANDBOX = 'http://127.0.0.1:4010';
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A value for a parameter: its own example first, then its schema's, then a generated sample. */
function paramValue(doc, param) {
  if (param.example !== undefined) return param.example;
  const named = Object.values(param.examples ?? {}).map((e) => deref(doc, e)).find((e) => e && 'value' in e);
  if (named) return named.value;
  return schemaValue(doc, param.schema ?? {});
}

function schemaValue(doc, rawSchema) {
  const schema = deref(doc, rawSchema);
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  return OpenAPISampler.sample(schema, { skipReadOnly: true, quiet: true }, doc);
}

function jsonBody(doc, requestBody) {
  const body = deref(doc, requestBody);
  const media = body?.content?.['application/json'];
  if (!media) return undefined;
  if (media.example !== undefined) return { value: media.example, required: !!body.required };
  const first = Object.values(media.examples ?? {}).map((e) => deref(doc, e)).find((e) => e && 'value' in e);
  if (first) return { value: first.value, required: !!body.required };
  return { value: schemaValue(doc, media.schema ?? {}), required: !!body.required };
}

/**
 * A sample creates what it reads, so its body names no example id of something it did not make (an agent's
 * `knowledge_base_id`: knowledge bases are not made through this API): such optional fields are left out.
 */
function withoutForeignIds(body) {
  if (!body || typeof body.value !== 'object' || Array.isArray(body.value)) return body;
  const value = Object.fromEntries(Object.entries(body.value).filter(([k, v]) => !(k.endsWith('_id') && typeof v === 'string')));
  return { ...body, value };
}

/** Object literal in TypeScript style: identifier keys unquoted, two-space indent. */
function tsLiteral(value, indent) {
  const json = JSON.stringify(value, null, 2)
    .replace(/^( *)"([^"]+)":/gm, (m, sp, key) => (IDENT.test(key) ? `${sp}${key}:` : m))
    .replace(/"((?:[^"\\]|\\.)*)"/g, (m, inner) => (inner.includes("'") || inner.includes('\\') ? m : `'${inner}'`));
  return json.split('\n').join(`\n${indent}`);
}

function shellQuote(text) {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function authOf(doc, op) {
  const requirements = op.security ?? doc.security ?? [];
  const schemes = doc.components?.securitySchemes ?? {};
  const names = requirements.flatMap((r) => Object.keys(r));
  const resolved = names.map((n) => deref(doc, schemes[n])).filter(Boolean);
  const bearer = resolved.find((s) => s.type === 'http' && s.scheme?.toLowerCase() === 'bearer');
  if (bearer) return { header: 'Authorization', value: 'Bearer $KALLGLOT_API_KEY' };
  const apiKey = resolved.find((s) => s.type === 'apiKey' && s.in === 'header');
  if (apiKey) return { header: apiKey.name, value: '$KALLGLOT_API_KEY' };
  return undefined;
}

function successResponse(doc, op) {
  const codes = Object.keys(op.responses ?? {}).filter((c) => /^2/.test(c)).sort();
  const res = codes.length ? deref(doc, op.responses[codes[0]]) : undefined;
  const types = Object.keys(res?.content ?? {});
  return { status: codes[0], types, json: types.some((t) => t.includes('json')), empty: types.length === 0 };
}

/**
 * The curl sample: against the sandbox, after making what it reads (sample-setup.mjs); an HTTP error exits non-zero
 * and shows the API's error envelope (--fail-with-body).
 */
function curlSample(doc, op, { method, path, pathValues, query, idempotent, body, success }) {
  const production = (doc.servers?.[0]?.url ?? 'https://api.kallglot.com').replace(/\/$/, '');
  const auth = authOf(doc, op);
  const shell = curlSetup(method, path);
  const shPath = path.replace(/\{([^}]+)\}/g, (_, n) => shell?.ids[n] ?? encodeURIComponent(String(pathValues[n] ?? n)));
  const lines = [`curl -sS --fail-with-body${method === 'get' ? '' : ` -X ${method.toUpperCase()}`}`, `"$KALLGLOT_BASE_URL${shPath}${query ? `?${query}` : ''}"`];
  if (auth) lines.push(`-H "${auth.header}: ${auth.value}"`);
  if (idempotent) lines.push(`-H "Idempotency-Key: $(node -e 'console.log(crypto.randomUUID())')"`);
  if (body) lines.push(`-H "Content-Type: application/json"`, `-d ${shellQuote(JSON.stringify(body.value, null, 2))}`);
  const saved = !success.json && !success.empty ? (success.types.some((t) => t.includes('mpeg')) ? 'recording.mp3' : 'output.bin') : undefined;
  if (saved) lines.push(`-o ${saved}`);
  return [
    `# The sandbox (npx @kallglot/mock); production: ${production}`,
    `KALLGLOT_BASE_URL=${SANDBOX}`,
    '',
    ...(shell ? ['# Something to read (with your own data, use its ids instead):', ...shell.lines, ''] : []),
    lines.join(' \\\n  '),
    ...(saved ? [`echo 'saved ${saved}'`] : []),
  ].join('\n');
}

export function buildSamples(doc, { path, method, op, parameters }) {
  const pathValues = {};
  const queryValues = {};
  const optionalQuery = [];
  let idempotent = false;
  for (const p of parameters) {
    if (p.in === 'path') pathValues[p.name] = paramValue(doc, p);
    else if (p.in === 'query' && p.required) queryValues[p.name] = paramValue(doc, p);
    else if (p.in === 'query' && (p.example !== undefined || p.examples || p.schema?.examples || p.schema?.default !== undefined)) optionalQuery.push(p);
    else if (p.in === 'header' && p.name.toLowerCase() === 'idempotency-key') idempotent = true;
  }
  // One optional query parameter keeps samples short (and never both pagination cursors at once).
  if (optionalQuery.length) queryValues[optionalQuery[0].name] = paramValue(doc, optionalQuery[0]);
  const body = op.requestBody ? withoutForeignIds(jsonBody(doc, op.requestBody)) : undefined;
  const success = successResponse(doc, op);
  const query = new URLSearchParams(Object.entries(queryValues).map(([k, v]) => [k, String(v)])).toString();

  const curl = curlSample(doc, op, { method, path, pathValues, query, idempotent, body, success });

  // TypeScript with the @kallglot/client facade: path parameters, then the body (or the query), then options.
  const binary = !success.json && !success.empty;
  const { resource, method: name } = shapeOf(op, `${method.toUpperCase()} ${path}`);
  const fn = `kallglot.${[...resource, name].join('.')}`;
  const quote = (v) => tsLiteral(v, '');
  // The sample creates what it reads (see sample-setup.mjs): its path parameters are the ids it made.
  const prepared = sampleSetup(method, path);
  const args = Object.entries(pathValues).map(([n, v]) => prepared?.ids[n] ?? quote(v));
  const paginated = method === 'get' && parameters.some((p) => p.in === 'query' && p.name === 'starting_after');
  const setup = [`import { Kallglot } from '@kallglot/client';`, ...(prepared?.imports ?? [])];
  let usage;
  if (binary) {
    // Byte responses never go through JSON: the file comes with its name and type.
    setup.push(`import { writeFile } from 'node:fs/promises';`);
    usage = [
      `const file = await ${fn}(${[...args, `{ as: 'arrayBuffer' }`].join(', ')});`,
      `await writeFile(file.filename ?? 'download.bin', new Uint8Array(file.data));`,
    ];
  } else {
    const input = body ? [tsLiteral(body.value, '')] : Object.keys(queryValues).length ? [tsLiteral(queryValues, '')] : [];
    const call = `${fn}(${[...args, ...input].join(', ')})`;
    const noun = (resource.at(-1) ?? 'result').replace(/s$/, '').replace(/^analyse$/, 'analysis');
    const result = paginated ? 'page' : ['create', 'retrieve', 'update', 'end'].includes(name) ? noun : 'result';
    usage = [
      ...(idempotent ? ['// The client adds an Idempotency-Key and reuses it on every retry.'] : []),
      ...(success.empty ? [`await ${call};`, `console.log('done');`] : [`const ${result} = await ${call};`, `console.log(${paginated ? 'page.data, page.has_more' : result});`]),
    ];
    if (paginated) usage.push('', '// Or every item of every page:', `for await (const item of ${fn}(${args.join(', ')})) console.log(item.id);`);
  }
  const made = prepared ? ['// Something to read (with your own data, use its ids instead):', ...prepared.lines, ''] : [];
  const client = `const kallglot = new Kallglot({ baseUrl: '${SANDBOX}' }); // the sandbox (leave baseUrl out for production); errors throw KallglotApiError`;
  const ts = [...setup, '', client, '', ...made, ...usage].join('\n');

  return [
    { lang: 'curl', label: 'curl', source: curl },
    { lang: 'TypeScript', label: 'TypeScript', source: ts },
  ];
}

/** A receiver for one webhook event: verify the raw body, then narrow on the event type. */
export function buildWebhookSample(event) {
  const source = [
    `import { Kallglot } from '@kallglot/client';`,
    '',
    'const kallglot = new Kallglot(); // reads KALLGLOT_API_KEY',
    '',
    '// rawBody: the exact request bytes; headers: the request headers (Kallglot-Signature among them).',
    'export async function onWebhook(rawBody: Uint8Array, headers: Headers) {',
    '  const event = await kallglot.webhooks.unwrap(rawBody, headers, process.env.KALLGLOT_WEBHOOK_SECRET!);',
    `  if (event.type === '${event}') {`,
    '    console.log(event.id, event.data);',
    '  }',
    '}',
  ].join('\n');
  return [{ lang: 'TypeScript', label: 'TypeScript', source }];
}

const withOperationId = (op) => {
  // Show the operationId: it names the operation in the spec, the mock and the client's types.
  if (op.operationId) op.description = `${op.description ?? ''}\n\n<small class="kg-opid">operationId: <code>${op.operationId}</code></small>`.trim();
};

/** Adds x-codeSamples to every operation and webhook of `doc` (mutates the docs-only copy). */
export function addCodeSamples(doc) {
  const out = [];
  for (const [event, rawItem] of Object.entries(doc.webhooks ?? {})) {
    const item = deref(doc, rawItem);
    for (const op of Object.values(item)) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      op['x-codeSamples'] = buildWebhookSample(event);
      withOperationId(op);
    }
  }
  for (const entry of listOperations(doc)) {
    const samples = buildSamples(doc, entry);
    entry.op['x-codeSamples'] = samples;
    withOperationId(entry.op);
    out.push({ operationId: entry.op.operationId, tag: entry.op.tags?.[0], method: entry.method, path: entry.path, samples });
  }
  return out;
}
