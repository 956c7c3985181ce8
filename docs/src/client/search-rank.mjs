// The site search's ranking, one function for the browser and the tests: the build ships its source text in
// assets/search-index.js (window.KG_CREATE_SEARCH) and docs/test/search.test.ts imports it from here. It must
// stay self-contained (no imports, nothing from module scope) because only its own source is shipped.
//
// An entry is { k: kind, t: title, s: subtitle, h: headings and keywords, x: body text, u: url }. A query word
// scores by where it appears: the title (10 exact, 8 prefix, 3 inside), the headings, keywords, subtitle and
// kind (6 exact, 4 prefix), the body (2 exact, 1 prefix). A word people type for something the docs name
// otherwise (websocket for stream, wav for the audio helpers, signature for webhook verification) also tries
// those names at 70%. Entries that match every word come first; when none does, the best partial matches.
export function createSearch(entries) {
  const SYNONYMS = {
    websocket: ['stream', 'ws'], websockets: ['stream', 'ws'], socket: ['stream'], ws: ['stream', 'websocket'],
    stream: ['websocket'], streaming: ['stream', 'websocket'], realtime: ['stream'], live: ['stream'],
    wav: ['wavtomulaw8k', 'audio', 'chunkframes'], microphone: ['audio', 'framechunker', 'chunkframes', 'sendaudio'],
    mic: ['audio', 'microphone', 'framechunker'], pcm: ['audio', 'encodemulaw', 'resample'], ulaw: ['mulaw'], 'μ-law': ['mulaw'],
    signature: ['verifywebhook', 'verification', 'verify', 'signatures'], signatures: ['signature', 'verifywebhook', 'verify'],
    hmac: ['signature', 'verifywebhook'], verify: ['verifywebhook', 'signature', 'verification'],
    verification: ['verifywebhook', 'signature', 'verify'], cli: ['kallglot-mock', 'kallglot-contract', 'command'],
    sandbox: ['mock', 'kallglot-mock'], mock: ['kallglot-mock', 'sandbox'], contract: ['kallglot-contract'],
    key: ['authentication'], auth: ['authentication'], error: ['errors'], retry: ['retries', 'idempotency'],
  };
  const words = (s) => {
    const out = [];
    for (const w of String(s ?? '').toLowerCase().split(/[^a-z0-9_.\-\u00b5\u00c0-\u024f\u03bc]+/)) {
      const word = w.replace(/^[-.]+|[-.]+$/g, '');
      if (!word) continue;
      out.push(word);
      // A flag keeps its dashes too, so "--secret" finds the tool that has it before a helper's `secret`.
      if (w.startsWith('--')) out.push(`--${word}`);
      // kallglot-mock, docs-port, audio.input: the whole word and its parts.
      if (/[-.]/.test(word)) for (const part of word.split(/[-.]+/)) if (part) out.push(part);
    }
    return out;
  };
  const index = entries.map((e) => ({ e, t: words(e.t), h: words([e.h, e.s, e.k].join(' ')), x: words(e.x) }));
  const fieldScore = (list, q, exact, prefix, inside) => {
    let best = 0;
    for (const w of list) {
      if (w === q) return exact;
      if (w.startsWith(q)) best = Math.max(best, prefix);
      else if (inside && q.length > 2 && w.includes(q)) best = Math.max(best, inside);
    }
    return best;
  };
  const termScore = (en, q) => Math.max(fieldScore(en.t, q, 10, 8, 3), fieldScore(en.h, q, 6, 4, 0), fieldScore(en.x, q, 2, 1, 0));
  return function search(query, limit = 10) {
    const terms = words(query).filter((q, i, all) => all.indexOf(q) === i);
    if (!terms.length) return [];
    const scored = index.map((en) => {
      let total = 0;
      let matched = 0;
      for (const q of terms) {
        let best = termScore(en, q);
        for (const alt of SYNONYMS[q] ?? []) best = Math.max(best, 0.7 * termScore(en, alt));
        if (best > 0) matched += 1;
        total += best;
      }
      return { en, total, matched };
    });
    const all = scored.filter((r) => r.matched === terms.length);
    const pool = all.length ? all : scored.filter((r) => r.matched > 0);
    return pool
      .sort((a, b) => b.matched - a.matched || b.total - a.total || a.en.e.t.length - b.en.e.t.length)
      .slice(0, limit)
      .map((r) => r.en.e);
  };
}
