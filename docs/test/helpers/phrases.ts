// Internal phrases that must never reach readers: provenance notes belong in x-kallglot-* extensions only.
export const INTERNAL_PHRASES: { name: string; re: RegExp }[] = [
  { name: 'inferred', re: /\binferred\b/gi },
  { name: 'the docs', re: /\bthe docs\b/gi },
  { name: 'see spec/README', re: /see spec\/README/gi },
  { name: 'x-kallglot', re: /x-kallglot/gi },
  { name: 'not visible', re: /\bnot visible\b/gi },
  { name: 'could not be read', re: /could not be read/gi },
];

/** Occurrences of each internal phrase in a text, and their total, plus a few excerpts to show where. */
export function countPhrases(text: string): { total: number; byPhrase: Record<string, number>; samples: string[] } {
  const byPhrase: Record<string, number> = {};
  const samples: string[] = [];
  let total = 0;
  for (const { name, re } of INTERNAL_PHRASES) {
    const hits = [...text.matchAll(re)];
    byPhrase[name] = hits.length;
    total += hits.length;
    for (const h of hits.slice(0, 2)) samples.push(text.slice(Math.max(0, (h.index ?? 0) - 60), (h.index ?? 0) + 60).replace(/\s+/g, ' '));
  }
  return { total, byPhrase, samples };
}

/** Every description/summary/title string of a document (extensions excluded): the spec's own prose. */
export function specProse(doc: unknown): string {
  const out: string[] = [];
  const walk = (node: any, key = ''): void => {
    if (typeof node === 'string') {
      if (/^(description|summary|title|client_should)$/.test(key)) out.push(node);
      return;
    }
    if (Array.isArray(node)) return node.forEach((n) => walk(n, key));
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) if (!k.startsWith('x-kallglot-inferred')) walk(v, k);
  };
  walk(doc);
  return out.join('\n');
}

/** A copy of a document whose prose has the internal phrases removed (extensions keep theirs). */
export function scrubProse<T>(doc: T): T {
  const walk = (node: any, key = ''): any => {
    if (typeof node === 'string') {
      if (!/^(description|summary|title|client_should)$/.test(key)) return node;
      let s = node;
      for (const { re } of INTERNAL_PHRASES) s = s.replace(re, '');
      return s;
    }
    if (Array.isArray(node)) return node.map((n) => walk(n, key));
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k.startsWith('x-kallglot-inferred') ? v : walk(v, k)]));
  };
  return walk(doc);
}

/** Visible-ish text of a built HTML file: scripts, styles and tags dropped, entities decoded. */
export function htmlText(html: string): string {
  return html
    .replace(/<script\b[\s\S]*?<\/script>/gi, ' ')
    .replace(/<style\b[\s\S]*?<\/style>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
