// The page shell shared by every page: top bar (nav, search, theme toggle, mobile menu button), theme bootstrap
// and the shared client script. Relative links only: the site opens from disk.
export const PAGES = [
  { file: 'index.html', label: 'Overview' },
  { file: 'rest.html', label: 'REST API' },
  { file: 'stream.html', label: 'Stream API' },
  { file: 'playground.html', label: 'Playground' },
  { file: 'assumptions.html', label: 'Assumptions' },
];

const LOGO = `<svg viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="8" fill="#5b3fd6"/><path d="M8 20v-8M12 23V9M16 19v-6M20 24V8M24 20v-8" stroke="#fff" stroke-width="2.4" stroke-linecap="round"/></svg>`;

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/**
 * Same storage key and classes as Redoc 3 (`redoc.colorMode`, `light`/`dark` on <html>), so one choice holds on
 * every page, Redoc's included. Runs in <head> before first paint.
 */
export const THEME_BOOT = `try{var m=localStorage.getItem("redoc.colorMode");if(m!=="light"&&m!=="dark")m=matchMedia("(prefers-color-scheme: dark)").matches?"dark":"light";localStorage.setItem("redoc.colorMode",m);document.documentElement.classList.remove("light","dark");document.documentElement.classList.add(m)}catch(e){}`;

const ICON_MENU = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 6h16M4 12h16M4 18h16" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>';
const ICON_THEME = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3a9 9 0 1 0 9 9A7 7 0 0 1 12 3z" fill="currentColor"/></svg>';

export function header(active, version, drawerPage = '') {
  const links = PAGES.map(
    (p) => `<a href="${p.file}"${p.file === active ? ' aria-current="page"' : ''} data-kg-nav="${p.file}">${p.label}</a>`,
  ).join('');
  return `<header class="kg-header">
<button type="button" class="kg-menu-button" aria-label="Menu" aria-expanded="false" aria-controls="kg-drawer">${ICON_MENU}</button>
<a class="kg-logo" href="index.html">${LOGO}<span>Kallglot</span></a>
<nav class="kg-site-nav" aria-label="Site">${links}</nav>
<div class="kg-search" role="search"><input type="search" id="kg-search-input" placeholder="Search" aria-label="Search the docs" autocomplete="off" spellcheck="false"><div class="kg-search-results" id="kg-search-results" role="listbox" hidden></div></div>
<button type="button" class="kg-theme-toggle" aria-label="Switch between light and dark theme" title="Light / dark">${ICON_THEME}</button>
<span class="kg-version">API v${escapeHtml(version)}</span>
</header>
<div class="kg-drawer" id="kg-drawer" hidden><nav aria-label="Site">${links}</nav><div class="kg-drawer-page">${drawerPage}</div></div>`;
}

/** Tags every page's <head> carries: theme bootstrap. Scripts load at the end of <body>. */
export const headExtras = () => `<script>${THEME_BOOT}</script>`;
// assets/local-mock.js names the local mock's URLs (the default ports in the built site; the real ones when
// kallglot-mock serves the site): a classic script, so it has run before site.js and the playground read it.
export const bodyScripts = () => `<script src="assets/local-mock.js"></script><script src="assets/site.js" defer></script>`;

export function page({ title, description, active, version, css, body, script, scripts = '' }) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<meta name="description" content="${escapeHtml(description)}">
<link rel="icon" href="data:,">
${headExtras()}
<style>
${css}
</style>
</head>
<body>
${header(active, version)}
${body}
${script ? `<script>\n${script}\n</script>` : ''}
${scripts}
${bodyScripts()}
</body>
</html>
`;
}
