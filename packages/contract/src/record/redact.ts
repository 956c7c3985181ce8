// Redaction for cassettes: runs on every string before it is stored, so no secret reaches a file.
// API keys → `sk_test_REDACTED`, webhook secrets → `whsec_REDACTED`, each distinct stream token →
// `kst_REDACTED_<n>` (stable numbering, so a replay's body and its stream URL still agree), signatures →
// `t=<t>,v1=REDACTED`. Ids (`sess_`, `rec_`, `evt_` …) stay, so the replay stays consistent.

export const API_KEY_PLACEHOLDER = 'sk_test_REDACTED';
export const WEBHOOK_SECRET_PLACEHOLDER = 'whsec_REDACTED';
export const SECRET_PLACEHOLDER = 'REDACTED';
export const STREAM_TOKEN_PREFIX = 'kst_REDACTED_';
export const SIGNATURE_HEADER = 'Kallglot-Signature';

export interface RedactionOptions {
  /** API keys used in this run (also caught by shape: `sk_live_…`, `sk_test_…`, any Bearer value). */
  apiKeys?: readonly (string | undefined)[];
  /** Webhook signing secrets used in this run (also caught by shape: `whsec_…`). */
  webhookSecrets?: readonly (string | undefined)[];
  /** Any other literal that must not reach the cassette. */
  secrets?: readonly (string | undefined)[];
  /** Distinct stream tokens numbered at most (later ones share the last placeholder). Default 10 000. */
  maxStreamTokens?: number;
}

export interface Redactor {
  /** Any text: a body, a frame, a URL. */
  text(value: string): string;
  /** A header value, redacted by header name first (Authorization, X-API-Key, Kallglot-Signature). */
  header(name: string, value: string): string;
  /** The placeholders handed out so far (for the cassette's `_kallglot.redacted`). */
  placeholders(): string[];
}

const KEY_SHAPE = /\bsk_(?:live|test)_(?!REDACTED\b)[A-Za-z0-9_-]+/g;
const SECRET_SHAPE = /\bwhsec_(?!REDACTED\b)[A-Za-z0-9_+/=-]+/g;
const TOKEN_SHAPE = /\bkst_(?!REDACTED_\d+\b)[A-Za-z0-9_-]+/g;
const TOKEN_QUERY = /([?&]token=)([^&\s"'#<]+)/g;
const BEARER = /^(Bearer\s+)(.+)$/i;
// JSON fields that hold a secret whatever its shape: `"token": "…"`, `"api_key": "…"`, `"secret": "…"`.
const TOKEN_FIELD = /("(?:token|stream_token)"\s*:\s*")((?:[^"\\]|\\.)+)(")/g;
const KEY_FIELD = /("(?:api_key|apiKey)"\s*:\s*")((?:[^"\\]|\\.)+)(")/g;
const SECRET_FIELD = /("(?:secret|signing_secret|webhook_secret|signature)"\s*:\s*")((?:[^"\\]|\\.)+)(")/g;

export function createRedactor(options: RedactionOptions = {}): Redactor {
  const maxTokens = options.maxStreamTokens ?? 10_000;
  const tokens = new Map<string, string>();
  const used = new Set<string>();
  const literals = literalForms([
    ...(options.apiKeys ?? []).map((s) => [s, API_KEY_PLACEHOLDER] as const),
    ...(options.webhookSecrets ?? []).map((s) => [s, WEBHOOK_SECRET_PLACEHOLDER] as const),
    ...(options.secrets ?? []).map((s) => [s, SECRET_PLACEHOLDER] as const),
  ]);

  const tokenPlaceholder = (token: string): string => {
    let p = tokens.get(token);
    if (!p) {
      p = `${STREAM_TOKEN_PREFIX}${Math.min(tokens.size + 1, maxTokens)}`;
      if (tokens.size < maxTokens) tokens.set(token, p);
    }
    used.add(p);
    return p;
  };
  const mark = (p: string) => (used.add(p), p);

  const text = (value: string): string => {
    let out = value;
    for (const [form, placeholder] of literals) {
      if (out.includes(form)) out = out.split(form).join(mark(placeholder));
    }
    out = out.replace(TOKEN_SHAPE, (t) => tokenPlaceholder(t));
    out = out.replace(TOKEN_QUERY, (_m, pre: string, t: string) => pre + (isPlaceholder(t) ? t : tokenPlaceholder(t)));
    out = out.replace(KEY_SHAPE, () => mark(API_KEY_PLACEHOLDER));
    out = out.replace(SECRET_SHAPE, () => mark(WEBHOOK_SECRET_PLACEHOLDER));
    out = out.replace(TOKEN_FIELD, (_m, pre: string, t: string, post: string) => pre + (isPlaceholder(t) ? t : tokenPlaceholder(t)) + post);
    out = out.replace(KEY_FIELD, (_m, pre: string, _k: string, post: string) => pre + mark(API_KEY_PLACEHOLDER) + post);
    out = out.replace(SECRET_FIELD, (_m, pre: string, v: string, post: string) => pre + (v.endsWith('REDACTED') ? v : mark(SECRET_PLACEHOLDER)) + post);
    return out;
  };

  const header = (name: string, value: string): string => {
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower === 'proxy-authorization') {
      const bearer = BEARER.exec(value);
      return bearer ? `${bearer[1]}${mark(API_KEY_PLACEHOLDER)}` : mark(SECRET_PLACEHOLDER);
    }
    if (lower === 'x-api-key') return mark(API_KEY_PLACEHOLDER);
    if (lower === SIGNATURE_HEADER.toLowerCase()) return redactSignature(value, mark);
    return text(value);
  };

  return { text, header, placeholders: () => [...used].sort() };
}

function isPlaceholder(token: string): boolean {
  return /^kst_REDACTED_\d+$/.test(token) || token.endsWith(SECRET_PLACEHOLDER);
}

/** Keeps `t=` (a time, not a secret) so the cassette still shows when the delivery was signed. */
function redactSignature(value: string, mark: (p: string) => string): string {
  const t = /(?:^|,)\s*t=(\d{1,15})\s*(?:,|$)/.exec(value)?.[1];
  mark(`v1=${SECRET_PLACEHOLDER}`);
  return t ? `t=${t},v1=${SECRET_PLACEHOLDER}` : `v1=${SECRET_PLACEHOLDER}`;
}

/** Each secret as written raw, URL-encoded and JSON-escaped; longest first so a secret inside another goes whole. */
function literalForms(pairs: (readonly [string | undefined, string])[]): [string, string][] {
  const out = new Map<string, string>();
  for (const [secret, placeholder] of pairs) {
    if (typeof secret !== 'string' || secret.length < 4) continue;
    for (const form of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) {
      if (!out.has(form)) out.set(form, placeholder);
    }
  }
  return [...out].sort((a, b) => b[0].length - a[0].length);
}
