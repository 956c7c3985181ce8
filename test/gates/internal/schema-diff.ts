// Direction-aware JSON Schema comparison, shared by the OpenAPI and AsyncAPI gates.
// "request" = data the client sends (the server must keep accepting everything it accepted before);
// "response" = data the client reads (the server must not send anything the old schema did not allow,
// nor drop anything the old schema promised).
export type Direction = 'request' | 'response';

export interface Change {
  breaking: boolean;
  rule: string;
  location: string;
  message: string;
}

type Schema = Record<string, any>;
export type Resolver = (node: any) => any;

/** Resolves local `$ref`s of `doc` (chains included). Unknown refs resolve to undefined. */
export function makeResolver(doc: any): Resolver {
  return (node) => {
    let n = node;
    for (let i = 0; n && typeof n === 'object' && typeof n.$ref === 'string' && i < 32; i++) {
      if (!n.$ref.startsWith('#/')) return n;
      n = n.$ref
        .slice(2)
        .split('/')
        .map((s: string) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((o: any, k: string) => o?.[k], doc);
    }
    return n;
  };
}

const NUMERIC_TIGHTER: Record<string, 'up' | 'down'> = {
  minimum: 'up',
  exclusiveMinimum: 'up',
  minLength: 'up',
  minItems: 'up',
  minProperties: 'up',
  maximum: 'down',
  exclusiveMaximum: 'down',
  maxLength: 'down',
  maxItems: 'down',
  maxProperties: 'down',
};

function typesOf(s: Schema): Set<string> | null {
  let types: string[] | null = null;
  if (Array.isArray(s.type)) types = [...s.type];
  else if (typeof s.type === 'string') types = [s.type];
  if (types && s.nullable === true && !types.includes('null')) types.push('null');
  if (!types && 'const' in s) types = [s.const === null ? 'null' : Array.isArray(s.const) ? 'array' : Number.isInteger(s.const) ? 'integer' : typeof s.const];
  return types ? new Set(types) : null; // null = any type
}

/** Does a value allowed by type `t` stay allowed by `set`? (integer ⊂ number) */
function accepts(set: Set<string> | null, t: string) {
  if (!set) return true;
  return set.has(t) || (t === 'integer' && set.has('number'));
}

function enumOf(s: Schema): unknown[] | null {
  if (Array.isArray(s.enum)) return s.enum;
  if ('const' in s) return [s.const];
  return null;
}

const key = (v: unknown) => JSON.stringify(v);

/** Flattens allOf (properties/required/type/enum) so both sides compare as one object schema. */
function flatten(schema: any, resolve: Resolver, seen = new Set<any>()): Schema {
  const s = resolve(schema);
  if (!s || typeof s !== 'object') return {};
  if (!Array.isArray(s.allOf) || seen.has(s)) return s;
  seen.add(s);
  const out: Schema = { ...s };
  delete out.allOf;
  out.properties = { ...(s.properties ?? {}) };
  out.required = [...(s.required ?? [])];
  for (const part of s.allOf) {
    const p = flatten(part, resolve, seen);
    Object.assign(out.properties, p.properties ?? {});
    out.required.push(...(p.required ?? []));
    for (const k of ['type', 'enum', 'const', 'additionalProperties', 'items', 'oneOf', 'anyOf', 'discriminator', 'format', 'pattern', ...Object.keys(NUMERIC_TIGHTER)]) {
      if (k in p && !(k in out)) out[k] = p[k];
    }
  }
  if (Object.keys(out.properties).length === 0) delete out.properties;
  out.required = [...new Set(out.required)];
  if (out.required.length === 0) delete out.required;
  return out;
}

function variantKey(v: any, resolve: Resolver, i: number): string {
  if (v && typeof v.$ref === 'string') return v.$ref.split('/').pop()!;
  const r = resolve(v);
  const typeProp = r?.properties?.type ?? r?.properties?.object;
  const c = typeProp && (typeProp.const ?? (Array.isArray(typeProp.enum) && typeProp.enum.length === 1 ? typeProp.enum[0] : undefined));
  if (c !== undefined) return `const:${String(c)}`;
  if (r?.title) return `title:${r.title}`;
  const t = typesOf(r ?? {});
  if (t && t.size === 1 && (t.has('null') || t.has('string') || t.has('number') || t.has('integer') || t.has('boolean'))) return `type:${[...t][0]}`;
  return `#${i}`;
}

export class SchemaComparer {
  changes: Change[] = [];
  visiting = new Set<string>();
  constructor(
    private resolveBase: Resolver,
    private resolveHead: Resolver,
  ) {}

  private add(breaking: boolean, rule: string, location: string, message: string) {
    this.changes.push({ breaking, rule, location, message });
  }

  compare(baseRaw: any, headRaw: any, dir: Direction, loc: string, skipTop = false) {
    if (baseRaw === undefined && headRaw === undefined) return;
    const pairKey = `${dir}|${baseRaw?.$ref ?? ''}|${headRaw?.$ref ?? ''}|${baseRaw?.$ref || headRaw?.$ref ? '' : loc}`;
    if ((baseRaw?.$ref || headRaw?.$ref) && this.visiting.has(pairKey)) return; // recursive schema: already on the stack
    this.visiting.add(pairKey);
    try {
      this.compareResolved(flatten(baseRaw, this.resolveBase), flatten(headRaw, this.resolveHead), dir, loc, skipTop);
    } finally {
      this.visiting.delete(pairKey);
    }
  }

  private compareResolved(b: Schema, h: Schema, dir: Direction, loc: string, skipTop = false) {
    // Booleans / empty schemas: `true` or {} accept anything.
    if (b === (true as any) || h === (true as any)) return;
    const bu: any[] | undefined = b.oneOf ?? b.anyOf;
    const hu: any[] | undefined = h.oneOf ?? h.anyOf;

    // Types and enums compare on the value domain, whatever the spelling: `type: [string, null]` + enum
    // and `anyOf: [{$ref: Provider}, {type: null}]` describe the same values.
    const bs = domain(b, this.resolveBase);
    const hs = domain(h, this.resolveHead);
    if (!skipTop) this.compareDomain(bs, hs, dir, loc);

    // Exactly one side is a union: compare the plain side with each non-null variant of the other.
    // A request still works if one variant accepts the old shape; a response must keep every variant compatible.
    if (!!bu !== !!hu) {
      const plain = bu ? h : b;
      const variants = (bu ?? hu)!.filter((v) => {
        const t = typesOf(flatten(v, bu ? this.resolveBase : this.resolveHead));
        return !(t && t.size === 1 && t.has('null'));
      });
      const runs = variants.map((v) => {
        const sub = new SchemaComparer(this.resolveBase, this.resolveHead);
        sub.visiting = this.visiting;
        if (bu) sub.compare(v, plain, dir, loc, true);
        else sub.compare(plain, v, dir, loc, true);
        return sub.changes;
      });
      if (runs.length === 0) return;
      if (dir === 'request') this.changes.push(...runs.reduce((a, c) => (c.filter((x) => x.breaking).length < a.filter((x) => x.breaking).length ? c : a)));
      else for (const r of runs) this.changes.push(...r);
      return;
    }
    if (!skipTop && (bu || hu)) {
      // both unions: the variant-by-variant comparison below does the rest
    }
    void bs;
    void hs;
    this.compareBody(b, h, dir, loc);
  }

  private compareDomain(bs: Domain, hs: Domain, dir: Direction, loc: string) {
    const bt = bs.types;
    const ht = hs.types;
    if (dir === 'request') {
      const lost = bt ? [...bt].filter((t) => !accepts(ht, t)) : ht ? ['any'] : [];
      if (lost.length) this.add(true, 'request-type-narrowed', loc, `no longer accepts type ${lost.join(', ')} (was ${fmtTypes(bt)}, now ${fmtTypes(ht)})`);
    } else {
      const gained = ht ? [...ht].filter((t) => !accepts(bt, t)) : bt ? ['any'] : [];
      if (gained.length) this.add(true, 'response-type-widened', loc, `may now be ${gained.join(', ')} (was ${fmtTypes(bt)}, now ${fmtTypes(ht)})`);
    }
    const be = bs.enum;
    const he = hs.enum;
    if (dir === 'request') {
      if (he && !be) this.add(true, 'request-enum-added', loc, `now restricted to ${he.map(key).join(', ')}`);
      if (he && be) {
        const removed = be.filter((v) => !he.some((x) => key(x) === key(v)));
        if (removed.length) this.add(true, 'request-enum-narrowed', loc, `no longer accepts ${removed.map(key).join(', ')}`);
      }
    } else {
      if (be && !he) this.add(true, 'response-enum-removed', loc, `was restricted to ${be.map(key).join(', ')}, now open`);
      if (he && be && !hs.open) {
        const added = he.filter((v) => !be.some((x) => key(x) === key(v)));
        if (added.length) this.add(true, 'response-enum-widened', loc, `may now be ${added.map(key).join(', ')}`);
      }
    }
  }

  private compareBody(b: Schema, h: Schema, dir: Direction, loc: string) {
    const bt = typesOf(b);
    const ht = typesOf(h);
    void bt;
    void ht;
    // Constraints: only tightening a request constraint breaks (old valid requests get rejected).
    if (dir === 'request') {
      for (const [k, way] of Object.entries(NUMERIC_TIGHTER)) {
        const bv = b[k];
        const hv = h[k];
        if (typeof hv !== 'number') continue;
        if (typeof bv !== 'number' || (way === 'up' ? hv > bv : hv < bv)) {
          this.add(true, 'request-constraint-tightened', loc, `${k} ${bv ?? '(none)'} → ${hv}`);
        }
      }
      if (h.pattern !== undefined && h.pattern !== b.pattern) this.add(true, 'request-constraint-tightened', loc, `pattern ${b.pattern ?? '(none)'} → ${h.pattern}`);
      if (h.format !== undefined && b.format === undefined) this.add(true, 'request-constraint-tightened', loc, `format ${h.format} added`);
    } else if (b.format !== undefined && h.format !== b.format) {
      this.add(true, 'response-format-changed', loc, `format ${b.format} → ${h.format ?? '(none)'}`);
    }

    // Objects
    const bp: Schema = b.properties ?? {};
    const hp: Schema = h.properties ?? {};
    const br = new Set<string>(b.required ?? []);
    const hr = new Set<string>(h.required ?? []);
    for (const name of Object.keys(bp)) {
      const where = `${loc}.${name}`;
      if (!(name in hp)) {
        if (dir === 'response') this.add(true, 'response-property-removed', where, 'property removed');
        else if (h.additionalProperties === true || (h.additionalProperties && typeof h.additionalProperties === 'object')) {
          // still accepted through additionalProperties (and typed as an index signature): compare with it
          if (typeof h.additionalProperties === 'object') this.compare(bp[name], h.additionalProperties, dir, where);
        } else this.add(true, 'request-property-removed', where, 'property removed (old clients still send it; typed clients stop compiling)');
        continue;
      }
      this.compare(bp[name], hp[name], dir, where);
    }
    for (const name of Object.keys(hp)) {
      if (!(name in bp) && dir === 'request' && hr.has(name)) this.add(true, 'request-required-property-added', `${loc}.${name}`, 'new required property');
    }
    for (const name of hr) {
      if (dir === 'request' && !br.has(name) && name in bp) this.add(true, 'request-property-became-required', `${loc}.${name}`, 'optional property is now required');
    }
    for (const name of br) {
      if (dir === 'response' && !hr.has(name) && name in hp) this.add(true, 'response-property-became-optional', `${loc}.${name}`, 'required property is now optional');
    }
    // Old clients may send extra properties the server used to ignore.
    if (dir === 'request' && h.additionalProperties === false && b.additionalProperties !== false) {
      this.add(true, 'request-additional-properties-closed', loc, 'additionalProperties is now false');
    }
    const bap = b.additionalProperties;
    const hap = h.additionalProperties;
    if (bap && typeof bap === 'object' && hap && typeof hap === 'object') this.compare(bap, hap, dir, `${loc}{*}`);

    // Arrays
    if (b.items || h.items) this.compare(b.items ?? {}, h.items ?? {}, dir, `${loc}[]`);

    // oneOf / anyOf: variants matched by $ref name, discriminator const, title or index.
    for (const kw of ['oneOf', 'anyOf'] as const) {
      const bv: any[] | undefined = b[kw];
      const hv: any[] | undefined = h[kw];
      if (!bv && !hv) continue;
      if (!bv || !hv) continue; // oneOf ↔ anyOf respelling; one-sided unions are handled in compareResolved
      const bm = new Map(bv.map((v, i) => [variantKey(v, this.resolveBase, i), v]));
      const hm = new Map(hv.map((v, i) => [variantKey(v, this.resolveHead, i), v]));
      for (const [k, v] of bm) {
        if (!hm.has(k)) {
          if (dir === 'request') this.add(true, 'request-variant-removed', loc, `${kw} variant ${k} removed`);
          continue;
        }
        this.compare(v, hm.get(k), dir, `${loc}<${k}>`);
      }
      for (const k of hm.keys()) {
        if (!bm.has(k) && dir === 'response') this.add(true, 'response-variant-added', loc, `${kw} variant ${k} added`);
      }
    }
  }
}

interface Domain {
  types: Set<string> | null; // null = any
  enum: unknown[] | null; // null = open
  /** marked `x-kallglot-open-enum: true` (or `x-extensible-enum: true`): clients must accept new values */
  open?: boolean;
}

const OPEN_ENUM = (s: Schema) => s?.['x-kallglot-open-enum'] === true || s?.['x-extensible-enum'] === true;

/** The set of JSON types and (when closed) values a schema allows, looking through oneOf/anyOf/allOf. */
function domain(s0: any, resolve: Resolver, depth = 0): Domain {
  const s = flatten(s0, resolve);
  if (!s || typeof s !== 'object' || depth > 16) return { types: null, enum: null };
  const own: Domain = { types: typesOf(s), enum: enumOf(s), open: OPEN_ENUM(s) };
  const union: any[] | undefined = s.oneOf ?? s.anyOf;
  if (!union) {
    if (own.enum) own.types ??= new Set(own.enum.map(jsonType));
    return own;
  }
  const parts = union.map((v) => domain(v, resolve, depth + 1));
  let types: Set<string> | null = new Set();
  let values: unknown[] | null = [];
  for (const p of parts) {
    if (!p.types) types = null;
    else if (types) for (const t of p.types) types.add(t);
    if (p.enum && values) values.push(...p.enum);
    else if (p.types && p.types.size === 1 && p.types.has('null') && values) values.push(null);
    else values = null;
  }
  if (own.types && types) types = new Set([...types].filter((t) => accepts(own.types, t)));
  else if (own.types) types = own.types;
  const e = own.enum ?? values;
  const open = own.open || parts.some((p) => p.open);
  return { types, enum: e ? [...new Map(e.map((v) => [key(v), v])).values()] : null, open };
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function fmtTypes(t: Set<string> | null) {
  return t ? [...t].join('|') : 'any';
}
