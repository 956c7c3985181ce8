// Build-time syntax highlighting (highlight.js core, four languages): pages ship coloured HTML, no highlighter.
import hljs from 'highlight.js/lib/core.js';
import bash from 'highlight.js/lib/languages/bash.js';
import json from 'highlight.js/lib/languages/json.js';
import typescript from 'highlight.js/lib/languages/typescript.js';
import javascript from 'highlight.js/lib/languages/javascript.js';

hljs.registerLanguage('bash', bash);
hljs.registerLanguage('json', json);
hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('javascript', javascript);
const ALIASES = { sh: 'bash', shell: 'bash', curl: 'bash', ts: 'typescript', js: 'javascript', text: undefined };

const unescape = (html) => html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

export function highlight(code, lang) {
  const language = lang in ALIASES ? ALIASES[lang] : lang;
  if (!language || !hljs.getLanguage(language)) return undefined;
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}

/** Highlights every `<pre><code class="language-X">` of a page (the code inside is HTML-escaped text). */
export function highlightPage(html) {
  return html.replace(/<pre([^>]*)><code class="language-([\w-]+)">([\s\S]*?)<\/code><\/pre>/g, (whole, attrs, lang, body) => {
    if (body.includes('<span')) return whole;
    const out = highlight(unescape(body), lang);
    return out === undefined ? whole : `<pre${attrs}><code class="hljs language-${lang}" data-lang="${lang}">${out}</code></pre>`;
  });
}

/** Last pass over a generated page: highlighted code, and every table in its own horizontal scroll box. */
export function finishPage(html) {
  return highlightPage(html)
    .replace(/<table\b([\s\S]*?)<\/table>/g, (t) => `<div class="kg-table">${t}</div>`)
    .replace(/<pre\b[^>]*>[\s\S]*?<\/pre>/g, (pre) => {
      const lang = /data-lang="([\w-]+)"/.exec(pre)?.[1] ?? /class="language-([\w-]+)"/.exec(pre)?.[1] ?? '';
      return `<div class="kg-code"><div class="kg-code-bar"><span class="kg-code-lang">${LABELS[lang] ?? lang}</span><button type="button" class="kg-copy">Copy</button></div>${pre}</div>`;
    });
}
const LABELS = { ts: 'TypeScript', typescript: 'TypeScript', json: 'JSON', sh: 'Shell', bash: 'Shell', js: 'JavaScript' };
