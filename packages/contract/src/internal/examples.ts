// Request bodies for the suite: the spec's own examples, or a minimal body synthesized from the schema.
import type { Contract, Json, Operation } from './contract.js';

export function exampleBody(contract: Contract, op: Operation): Json {
  const rb = contract.resolve(op.op.requestBody);
  const media = rb?.content?.['application/json'];
  if (!media) return undefined;
  if (media.example !== undefined) return structuredClone(media.example);
  const ex = media.examples && Object.values<Json>(media.examples)[0];
  if (ex) return structuredClone(contract.resolve(ex).value);
  const schema = contract.resolve(media.schema);
  if (schema?.examples?.length) return structuredClone(schema.examples[0]);
  if (schema?.example !== undefined) return structuredClone(schema.example);
  return synthesize(contract, schema, 0);
}

function synthesize(contract: Contract, s0: Json, depth: number): Json {
  const s = contract.resolve(s0) ?? {};
  if (depth > 6) return undefined;
  if (s.const !== undefined) return s.const;
  if (s.default !== undefined) return s.default;
  if (s.examples?.length) return s.examples[0];
  if (s.enum?.length) return s.enum[0];
  const t = Array.isArray(s.type) ? s.type.find((x: string) => x !== 'null') : s.type;
  if (s.allOf) return Object.assign({}, ...s.allOf.map((p: Json) => synthesize(contract, p, depth + 1)));
  if (s.oneOf || s.anyOf) return synthesize(contract, (s.oneOf ?? s.anyOf)[0], depth + 1);
  if (t === 'object' || s.properties) {
    const out: Record<string, Json> = {};
    for (const k of s.required ?? []) out[k] = synthesize(contract, s.properties?.[k] ?? {}, depth + 1);
    return out;
  }
  if (t === 'array') return [];
  if (t === 'integer' || t === 'number') return s.minimum ?? 1;
  if (t === 'boolean') return true;
  return 'contract';
}

/** A documented webhook event of `type`: the spec's example when there is one, else synthesized. */
export function webhookExample(contract: Contract, type: string): Json {
  for (const ex of Object.values<Json>(contract.openapi.components?.examples ?? {})) {
    if (ex?.value?.type === type) return structuredClone(ex.value);
  }
  const w = contract.webhooks.get(type);
  const rb = w && contract.resolve(contract.openapi.webhooks[type]?.post?.requestBody);
  const media = rb?.content?.['application/json'];
  const ex = media?.example ?? (media?.examples && contract.resolve(Object.values<Json>(media.examples)[0])?.value);
  if (ex) return structuredClone(ex);
  return { ...synthesize(contract, media?.schema, 0), type };
}
