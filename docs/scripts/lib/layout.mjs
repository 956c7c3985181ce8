// The page shell shared by every page: top bar, theme and relative links only (the site opens from disk).
export const PAGES = [
  { file: 'index.html', label: 'Overview' },
  { file: 'rest.html', label: 'REST API' },
  { file: 'stream.html', label: 'Stream API' },
];

const LOGO = `<svg viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="8" fill="#5b3fd6"/><path d="M8 20v-8M12 23V9M16 19v-6M20 24V8M24 20v-8" stroke="#fff" stroke-width="2.4" stroke-linecap="round"/></svg>`;

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

export function header(active, version) {
  const links = PAGES.map(
    (p) => `<a href="${p.file}"${p.file === active ? ' aria-current="page"' : ''} data-kg-nav="${p.file}">${p.label}</a>`,
  ).join('');
  return `<header class="kg-header"><a class="kg-logo" href="index.html">${LOGO}<span>Kallglot</span></a><nav aria-label="Site">${links}</nav><span class="kg-version">API v${escapeHtml(version)}</span></header>`;
}

export function page({ title, description, active, version, css, body, script }) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<meta name="description" content="${escapeHtml(description)}">
<link rel="icon" href="data:,">
<style>
${css}
</style>
</head>
<body>
${header(active, version)}
${body}
${script ? `<script>\n${script}\n</script>` : ''}
</body>
</html>
`;
}
