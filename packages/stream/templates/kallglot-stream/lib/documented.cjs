// The "documented" view of a server message schema: what a frame must satisfy before @kallglot/stream delivers it
// in its default validation mode. Every property marked `x-kallglot-source: inferred` or `x-kallglot-inferred`
// (the public docs do not confirm it) becomes unconstrained and optional; everything else stays as written.
'use strict';

/**
 * Properties the current spec treats as inferred in its prose but does not yet mark at property level. The view
 * handles them as marked. An entry is a no-op once the spec marks the property or drops it from `required`.
 * Keyed by wire `type`, root properties only.
 */
const UNMARKED_INFERRED = {
  'session.ready': ['session_id'],
  'transcript.partial': ['language', 'translation'],
  'transcript.final': ['language'],
  'session.error': ['message'],
};

function isMarked(schema) {
  if (!schema || typeof schema !== 'object') return false;
  return schema['x-kallglot-source'] === 'inferred' || schema['x-kallglot-inferred'] !== undefined;
}

/** Property names marked inferred in `schema.properties` and in every `allOf` member, recursively. */
function markedNames(schema, out = new Set()) {
  if (!schema || typeof schema !== 'object') return out;
  for (const [k, v] of Object.entries(schema.properties || {})) if (isMarked(v)) out.add(k);
  for (const m of schema.allOf || []) markedNames(m, out);
  return out;
}

/**
 * Returns a copy of `schema` in which marked properties are `{}` and not required. `extra` names root properties
 * to treat as marked. Applies at every level (nested objects, items, allOf/oneOf/anyOf members); an allOf group
 * shares one set of names, so a `required` in one member is freed for a property marked in another.
 */
function documentedView(schema, extra = []) {
  return view(schema, new Set(extra), new Map(), true);
}

/** The same, but marked properties keep their schema and only become optional: the shape of the generated types. */
function optionalView(schema, extra = []) {
  return view(schema, new Set(extra), new Map(), false);
}

// An extra (unmarked) name keeps its schema in the types but is tagged, so its JSDoc says it is unconfirmed.
function markPresence(schema) {
  return isMarked(schema) || !schema || typeof schema !== 'object' ? schema : { ...schema, 'x-kallglot-inferred': 'presence' };
}

function view(schema, inherited, seen, free) {
  if (Array.isArray(schema)) return schema.map((s) => view(s, new Set(), seen, free));
  if (!schema || typeof schema !== 'object') return schema;
  if (seen.has(schema)) throw new Error('circular schemas are not supported in stream messages');
  seen.set(schema, true);
  const names = markedNames(schema, new Set(inherited));
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(v).map(([pk, pv]) => [pk, !names.has(pk) ? view(pv, new Set(), seen, free) : free ? {} : markPresence(view(pv, new Set(), seen, free))]),
      );
    } else if (k === 'required' && Array.isArray(v)) {
      out.required = v.filter((n) => !names.has(n));
    } else if (k === 'allOf' && Array.isArray(v)) {
      out.allOf = v.map((m) => view(m, names, seen, free));
    } else if (k.startsWith('x-') || typeof v !== 'object' || v === null) {
      out[k] = v;
    } else if (['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains'].includes(k) || k === 'oneOf' || k === 'anyOf') {
      out[k] = view(v, new Set(), seen, free);
    } else if (k === 'patternProperties' || k === '$defs' || k === 'definitions' || k === 'dependentSchemas') {
      out[k] = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, view(pv, new Set(), seen, free)]));
    } else {
      out[k] = v; // const, enum, examples, …: values, not schemas
    }
  }
  if (out.required && !out.required.length) delete out.required;
  seen.delete(schema);
  return out;
}

// Phrases about how the spec was written; they belong in x-kallglot-* extensions, never in generated JSDoc.
const INTERNAL = /\bthe docs\b|\bdocs\b|inferred|\bis documented\b|not visible|could not be read|spec\/README|README|[\w-]+\/[\w./-]+\.(ya?ml|json|md)\b/i;

/** A description as API users should read it: sentences, clauses and parentheticals about provenance are left out. */
function publicText(text) {
  if (!text) return '';
  return String(text)
    .split(/\n\s*\n/)
    .map((p) => (INTERNAL.test(p) ? publicParagraph(p) : p.trim()))
    .filter(Boolean)
    .join('\n\n');
}

function publicParagraph(text) {
  // Innermost parentheses first; kept ones are parked as placeholders so their outer group can be judged.
  const kept = [];
  let t = String(text);
  for (let prev; prev !== t; ) {
    prev = t;
    t = t.replace(/\s*\([^()]*\)/g, (m) => {
      const full = m.replace(/\u0000(\d+)\u0000/g, (_, i) => kept[+i]);
      if (INTERNAL.test(full)) return '';
      kept.push(full);
      return `\u0000${kept.length - 1}\u0000`;
    });
  }
  const restore = (x) => x.replace(/\u0000(\d+)\u0000/g, (_, i) => restore(kept[+i]));
  t = t
    .split(/(?<=[.!?])\s+(?=[A-Z`])/)
    .map((sentence) => {
      const clauses = sentence.split(/;\s+/).filter((c) => !INTERNAL.test(restore(c)));
      if (!clauses.length) return '';
      const joined = clauses.join('; ').replace(/^([a-z])/, (c) => c.toUpperCase());
      return /[.!?]$/.test(joined) ? joined : `${joined}.`;
    })
    .filter(Boolean)
    .join(' ');
  t = restore(t);
  return t.replace(/\s+/g, ' ').replace(/ ([.,;:])/g, '$1').trim();
}

module.exports = { documentedView, optionalView, isMarked, publicText, INTERNAL, UNMARKED_INFERRED };
