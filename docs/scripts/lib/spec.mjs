// Loads the bundled contract and resolves local $refs ("#/components/...") inside it.
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Path of a bundled document: an explicit override, else the @kallglot/spec export. */
export function specPath(name, override) {
  if (override) return override;
  try {
    return require.resolve(`@kallglot/spec/${name}.json`);
  } catch {
    throw new Error(`@kallglot/spec/${name}.json is missing: run \`npx turbo run bundle --filter=@kallglot/spec\` first`);
  }
}

export function readJson(path) {
  if (!existsSync(path)) throw new Error(`${path} does not exist: bundle the spec first`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${err.message}`);
  }
}

/** Follows a local JSON pointer such as "#/components/schemas/Session". */
export function resolvePointer(doc, ref) {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported in the bundle, got ${ref}`);
  let node = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = node?.[key];
    if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  }
  return node;
}

/** Resolves an object that may itself be a $ref (one level at a time, following chains). */
export function deref(doc, obj) {
  let node = obj;
  const seen = new Set();
  while (node && typeof node === 'object' && typeof node.$ref === 'string') {
    if (seen.has(node.$ref)) throw new Error(`circular $ref ${node.$ref}`);
    seen.add(node.$ref);
    node = resolvePointer(doc, node.$ref);
  }
  return node;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every operation under `paths`, with its merged path-level and operation-level parameters. */
export function listOperations(doc) {
  const ops = [];
  for (const [path, rawItem] of Object.entries(doc.paths ?? {})) {
    const item = deref(doc, rawItem);
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = new Map();
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        const resolved = deref(doc, p);
        params.set(`${resolved.in}:${resolved.name}`, resolved);
      }
      ops.push({ path, method, op, parameters: [...params.values()] });
    }
  }
  return ops;
}
