// Ajv errors → readable lines, and the split between documented and inferred parts of the contract:
// an error is "inferred" when the schema path it runs through (following $ref, allOf/oneOf/anyOf) crosses a
// node marked `x-kallglot-source: inferred` or carrying `x-kallglot-inferred`.
import { getPointer, locate, type ErrorObject } from '@kallglot/spec/validators';
import type { Json } from './contract.js';

const segs = (instancePath: string) => instancePath.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));

export function valueAt(data: Json, instancePath: string): Json {
  return segs(instancePath).reduce((x: Json, k) => (x == null ? undefined : x[k]), data);
}

/** Ajv errors → one readable line: "/created_at must be string (got 1711454400)". */
export function describeErrors(errors: ErrorObject[] | null | undefined, data: Json): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => {
      const at = e.instancePath || '/';
      const value = e.instancePath ? valueAt(data, e.instancePath) : data;
      const p = e.params as Record<string, Json>;
      let extra = '';
      if (e.keyword === 'additionalProperties') extra = ` (${p.additionalProperty})`;
      else if (e.keyword === 'required') extra = ` (${p.missingProperty})`;
      else if (e.keyword === 'enum') extra = ` (${(p.allowedValues ?? []).map((v: Json) => JSON.stringify(v)).join(', ')})`;
      const got = value === undefined || e.keyword === 'required' ? '' : ` (got ${truncate(JSON.stringify(value), 60)})`;
      return `${at} ${e.message}${extra}${got}`;
    })
    .join('; ');
}

const truncate = (s: string | undefined, n: number) => (s && s.length > n ? `${s.slice(0, n)}…` : s);

const marked = (node: Json) =>
  !!node && typeof node === 'object' && (node['x-kallglot-source'] === 'inferred' || node['x-kallglot-inferred'] !== undefined);

/** Whether an Ajv error of the schema at `rootPointer` (in `doc`) falls in an inferred part. */
export function isInferredError(doc: Json, rootPointer: string, e: ErrorObject): boolean {
  const path = segs(e.instancePath);
  const p = e.params as Record<string, Json>;
  const extra = p.missingProperty ?? p.additionalProperty ?? p.unevaluatedProperty;
  if (typeof extra === 'string' && ['required', 'additionalProperties', 'unevaluatedProperties', 'dependentRequired'].includes(e.keyword)) path.push(extra);
  let frontier = expand(doc, [rootPointer]);
  if (frontier.some((f) => marked(f.node))) return true;
  for (const seg of path) {
    const next: string[] = [];
    for (const { node, pointer } of frontier) {
      if (node?.properties && seg in node.properties) next.push(`${pointer}/properties/${esc(seg)}`);
      else if (/^\d+$/.test(seg) && node?.prefixItems?.[Number(seg)]) next.push(`${pointer}/prefixItems/${seg}`);
      else if (/^\d+$/.test(seg) && node?.items && typeof node.items === 'object') next.push(`${pointer}/items`);
      else if (node?.additionalProperties && typeof node.additionalProperties === 'object') next.push(`${pointer}/additionalProperties`);
    }
    if (next.length === 0) return false;
    frontier = expand(doc, next);
    if (frontier.some((f) => marked(f.node))) return true;
  }
  return false;
}

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** A set of schema pointers, with $ref followed and allOf/oneOf/anyOf branches added (bounded). */
function expand(doc: Json, pointers: string[]): { node: Json; pointer: string }[] {
  const out: { node: Json; pointer: string }[] = [];
  const seen = new Set<string>();
  const queue = [...pointers];
  while (queue.length && out.length < 256) {
    const raw = queue.shift()!;
    const direct = getPointer(doc, raw);
    // A $ref with siblings (e.g. description, x-kallglot-*) keeps its own marks: look at it before following.
    if (direct && typeof direct === 'object' && marked(direct)) out.push({ node: direct, pointer: raw });
    const { node, pointer } = locate(doc, raw);
    if (seen.has(pointer) || !node || typeof node !== 'object') continue;
    seen.add(pointer);
    out.push({ node, pointer });
    for (const k of ['allOf', 'oneOf', 'anyOf'] as const) {
      (node[k] ?? []).forEach((_: Json, i: number) => queue.push(`${pointer}/${k}/${i}`));
    }
  }
  return out;
}

/** A known, explained deviation of a target (one Ajv error: path + keyword + value), listed in reports. */
export interface Waiver {
  reason: string;
  instancePath: RegExp;
  keyword: string;
  value: RegExp;
  used?: number;
}

export function applyWaivers(waivers: Waiver[], errors: ErrorObject[], data: Json): ErrorObject[] {
  return errors.filter((e) => {
    const value = valueAt(data, e.instancePath);
    const w = waivers.find((w) => w.instancePath.test(e.instancePath) && w.keyword === e.keyword && w.value.test(String(value)));
    if (!w) return true;
    w.used = (w.used ?? 0) + 1;
    return false;
  });
}

/** The ws:// waiver for local targets without TLS (the spec documents wss:// stream URLs only). */
export function wsWaiver(): Waiver {
  return {
    reason: 'local target serves the stream over ws:// (no TLS)',
    instancePath: /^\/stream\/url$/,
    keyword: 'pattern',
    value: /^ws:\/\/[^?#\s]+\/v1\/sessions\/[^/]+\/connect$/,
  };
}
