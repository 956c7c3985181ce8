// Which facade method each operation becomes, and the generated resource table + interfaces.
// The shape comes from the spec only:
//   - resource: the operation's first tag in lower camelCase (`Agents` → `agents`);
//   - method:   the operationId's leading verb (`createAgent` → `create`);
//   - the rest of the operationId must name the tag (singular or plural), else the operation needs
//     `x-kallglot-sdk: { resource: sessions.recordings, method: list }` (a dotted path nests resources).
// Arguments: the path parameters in path order, then the JSON body (when the operation has one) or the
// query (when it has query parameters), then the per-request options. A 200 whose JSON has `data` (array)
// and `has_more` is a list (auto-paging); a 200 without JSON (audio) is a download.

const lowerFirst = (s) => s.charAt(0).toLowerCase() + s.slice(1);
const camel = (s) => lowerFirst(s.replace(/[^A-Za-z0-9]+(.)/g, (_, c) => c.toUpperCase()));
const pascal = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const IDENT = /^[a-z][A-Za-z0-9]*$/;

/** `{ resource: ["sessions", "recordings"], method: "list" }` for one operation (throws when it needs x-kallglot-sdk). */
export function shapeOf(op, where) {
  const ext = op['x-kallglot-sdk'];
  if (ext !== undefined) {
    const resource = String(ext?.resource ?? '').split('.');
    if (!resource.every((r) => IDENT.test(r)) || !IDENT.test(String(ext?.method))) {
      throw new Error(`${where}: x-kallglot-sdk needs { resource: a.b, method: name } with lowerCamel identifiers`);
    }
    return { resource, method: ext.method };
  }
  const tag = op.tags?.[0];
  const verb = /^[a-z]+/.exec(op.operationId)?.[0];
  const noun = op.operationId.slice(verb?.length ?? 0).toLowerCase();
  const resource = tag ? camel(tag) : '';
  const plain = resource.toLowerCase();
  if (!tag || !verb || (noun !== plain && `${noun}s` !== plain && noun !== `${plain}s`)) {
    throw new Error(
      `${where} (${op.operationId}): operationId and tag do not give a resource method; add ` +
        `x-kallglot-sdk: { resource: <resource.path>, method: <name> } to the operation`,
    );
  }
  return { resource: [resource], method: verb };
}

/** `[{ resource: ['sessions','recordings'], method, httpMethod, path, pathParams, arg, kind, optionalArg, summary }]` */
export function sdkOperations(doc, resolve) {
  const out = [];
  const seen = new Set();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const m of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[m];
      if (!op) continue;
      const where = `${m.toUpperCase()} ${path}`;
      const { resource, method } = shapeOf(op, where);
      const key = `${resource.join('.')}.${method}`;
      if (seen.has(key)) throw new Error(`${where}: ${key} is already taken by another operation; set x-kallglot-sdk`);
      seen.add(key);
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolve);
      const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]);
      const query = params.filter((p) => p?.in === 'query');
      const body = op.requestBody ? resolve(op.requestBody) : undefined;
      const ok = resolve(op.responses?.['200'] ?? op.responses?.['201'] ?? op.responses?.['202']);
      const json = ok?.content?.['application/json']?.schema;
      const props = json ? resolve(json)?.properties : undefined;
      const kind = !json && ok?.content ? 'download' : props?.data && props?.has_more ? 'list' : 'json';
      const arg = body?.content?.['application/json'] ? 'body' : query.length ? 'query' : 'none';
      const optionalArg = arg === 'body' ? body.required !== true : !query.some((q) => q.required);
      out.push({ resource, method, httpMethod: m, path, pathParams, arg, kind, optionalArg, summary: op.summary ?? '' });
    }
  }
  return out;
}

/** A nested object `{ agents: { create: [...] }, sessions: { recordings: { list: [...] } } }` for the runtime. */
function table(ops) {
  const root = {};
  for (const o of ops) {
    let node = root;
    for (const r of o.resource) node = node[r] ??= {};
    // [HTTP method, path, argument kind, result kind]: path parameters are read from the path template.
    node[o.method] = [o.httpMethod.toUpperCase(), o.path, o.arg[0], o.kind[0]];
  }
  return root;
}

function typeOf(o) {
  const P = JSON.stringify(o.path);
  const M = JSON.stringify(o.httpMethod);
  const args = o.pathParams.map((p) => `${camel(p)}: string`);
  if (o.arg === 'body') args.push(`body${o.optionalArg ? '?' : ''}: Body<${P}, ${M}>`);
  if (o.arg === 'query') args.push(`query${o.optionalArg ? '?' : ''}: Query<${P}, ${M}>`);
  const doc = o.summary ? `  /** ${o.summary.replace(/\*\//g, '*\\/')} (\`${o.httpMethod.toUpperCase()} ${o.path}\`) */\n` : '';
  if (o.kind === 'download') {
    return (
      `${doc}  ${o.method}(${[...args, 'options?: DownloadOptions & { as?: "stream" }'].join(', ')}): APIPromise<Download<ReadableStream<Uint8Array>>>;\n` +
      `${doc}  ${o.method}(${[...args, 'options: DownloadOptions & { as: "arrayBuffer" }'].join(', ')}): APIPromise<Download<ArrayBuffer>>;\n`
    );
  }
  const result = o.kind === 'list' ? `PagePromise<Item<${P}>, Data<${P}, ${M}>>` : `APIPromise<Data<${P}, ${M}>>`;
  return `${doc}  ${o.method}(${[...args, 'options?: RequestOptions'].join(', ')}): ${result};\n`;
}

/** TypeScript source of src/generated/resources.ts. */
export function resourcesSource(ops) {
  const names = new Map(); // resource path → interface name
  for (const o of ops) for (let i = 1; i <= o.resource.length; i++) names.set(o.resource.slice(0, i).join('.'), o.resource.slice(0, i).map(pascal).join(''));
  let src =
    `import type { APIPromise, Body, Data, Download, DownloadOptions, Item, PagePromise, Query, RequestOptions } from '../internal/facade-types.js';\n\n` +
    `/** The resource tree: [HTTP method, path, argument (b = body, q = query, n = none), result (j = JSON, l = list, d = download)]. */\n` +
    `export const resourceTable = ${JSON.stringify(table(ops))} as const;\n`;
  for (const [path, name] of names) {
    src += `\nexport interface ${name} {\n`;
    for (const [child, childName] of names) {
      if (child.startsWith(`${path}.`) && child.split('.').length === path.split('.').length + 1) src += `  readonly ${child.split('.').pop()}: ${childName};\n`;
    }
    for (const o of ops) if (o.resource.join('.') === path) src += typeOf(o);
    src += '}\n';
  }
  const top = [...names.keys()].filter((p) => !p.includes('.'));
  src += `\n/** Every resource of the API, as \`kallglot.<resource>\`. */\nexport interface GeneratedResources {\n${top.map((p) => `  readonly ${p}: ${names.get(p)};\n`).join('')}}\n`;
  return src;
}
