// Markdown from the spec and the guides, rendered at build time (no markdown runtime ships to the browser).
import { Marked } from 'marked';
import { userText } from './voice.mjs';

const marked = new Marked({ gfm: true });

export const md = (text) => (text ? userText(marked.parse(String(text))) : '');
export const mdInline = (text) => (text ? userText(marked.parseInline(String(text))) : '');
