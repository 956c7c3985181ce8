// Small wording helpers for generated pages: durations and setting names in words, and the spec's pointer to a
// "Languages page" turned into a link to the languages section the site actually has.
export function humanDuration(ms) {
  if (ms % 60000 === 0 && ms >= 60000) return `${ms / 60000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/** "client_ping_interval_ms" → "Client ping interval". */
export function humanKey(key) {
  const words = String(key).replace(/_(ms|s|bytes)$/, '').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const LANGUAGES_HREF = 'index.html#languages';

/** Applied to rendered HTML of spec text: links the languages section where the text points at it. */
export function userText(html) {
  return String(html).replace(/\b(?:see )?the Languages page\b/g, (m) => `${m.startsWith('see') ? 'see ' : ''}the <a href="${LANGUAGES_HREF}">Languages</a> section`);
}
