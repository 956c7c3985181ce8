// Markdown from the spec and the guides, rendered at build time (no markdown runtime ships to the browser).
import { Marked } from 'marked';

const marked = new Marked({ gfm: true });

export const md = (text) => (text ? marked.parse(String(text)) : '');
export const mdInline = (text) => (text ? marked.parseInline(String(text)) : '');
