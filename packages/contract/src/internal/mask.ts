// Secrets never reach an output: every line printed and every report written goes through a masker that
// knows the secrets of this run (API key, webhook secret) and the shapes of the others (bearer tokens,
// stream tokens in URLs, sk_/whsec_ keys).
export type Masker = (text: string) => string;

const PATTERNS: [RegExp, string][] = [
  [/(Bearer\s+)[^\s"',;]+/gi, '$1[masked]'],
  [/([?&]token=)[^&\s"'#<]+/g, '$1[masked]'],
  [/\b(sk_(?:live|test)_)[A-Za-z0-9_-]+/g, '$1[masked]'],
  [/\b(whsec_)[A-Za-z0-9_-]+/g, '$1[masked]'],
];

export function createMasker(secrets: (string | undefined)[]): Masker {
  const literal = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4))].sort((a, b) => b.length - a.length);
  const forms = literal.flatMap((s) => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]);
  return (text: string) => {
    let out = String(text);
    for (const s of forms) out = out.split(s).join('[masked]');
    for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
    return out;
  };
}
