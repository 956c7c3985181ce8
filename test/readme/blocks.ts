// Finds the code blocks a reader sees: every fenced js/ts/sh block of every README (root, packages/*, docs,
// test, spec) and of the docs' guides (docs/guides/*.md), plus the guides' whole programs (docs/guides/*.ts,
// which the site renders as they are). A block that cannot run says so in visible text: the paragraph right
// above it has a sentence starting "Not run in CI:" with the reason. A shell block whose commands are labelled
// "# Terminal N: …" is a set of processes a reader starts side by side: terminals.test.ts runs it that way.
// Nothing else changes how a block is run.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.ts';

export type Lang = 'js' | 'ts' | 'sh';
export type Mode = 'run' | 'terminals' | 'check' | 'not-run';
export type Block = { file: string; line: number; lang: Lang; code: string; mode: Mode; reason?: string; id: string };

const LANGS: Record<string, Lang> = { js: 'js', javascript: 'js', mjs: 'js', ts: 'ts', typescript: 'ts', sh: 'sh', bash: 'sh', shell: 'sh' };
/** The visible sentence, at the start of a line of the paragraph right above a block (optionally in * or **). */
export const NOT_RUN = /^\s*(?:\*\*|\*|_)?Not run in CI:(?:\*\*|\*|_)?\s*(.+)$/;
/** At most this many blocks in the whole repository may say "Not run in CI:". */
export const MAX_NOT_RUN = 3;
/** The old invisible markers (HTML comments): none may be left. */
export const HIDDEN_MARKER = /<!--\s*readme-test\b/;
/**
 * An sh block runs when it calls the sandbox with curl, runs a bundled example (`node examples/…`) or the mock's
 * `webhook list` / `webhook send`; the other
 * shell blocks (install, build and test commands of the toolchain itself, which its own tests cover) get `bash -n`.
 */
export const RUNS_SH = /\bcurl\b|\bnode examples\/|@kallglot\/mock webhook (?:list|send)\b/;
/** The visible label of a command run in its own terminal (long-running servers, then the program that uses them). */
export const TERMINAL = /^# Terminal (\d+):\s*(.*)$/;

export function markdownFiles(): string[] {
  const out = ['README.md', 'test/README.md', 'spec/README.md'].filter((f) => existsSync(join(repoRoot, f)));
  for (const p of readdirSync(join(repoRoot, 'packages')).sort()) if (existsSync(join(repoRoot, 'packages', p, 'README.md'))) out.push(`packages/${p}/README.md`);
  const walk = (d: string) => {
    for (const e of readdirSync(join(repoRoot, d), { withFileTypes: true })) {
      if (e.isDirectory() && !['node_modules', 'dist', '.turbo', 'test-output'].includes(e.name)) walk(`${d}/${e.name}`);
      else if (e.name === 'README.md') out.push(`${d}/${e.name}`);
    }
  };
  if (existsSync(join(repoRoot, 'docs'))) walk('docs');
  return [...out, ...guides('.md')];
}

/** docs/guides/*.md (pages) or *.ts (programs the pages show whole). */
export function guides(ext: '.md' | '.ts'): string[] {
  const dir = join(repoRoot, 'docs', 'guides');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(ext)).sort().map((f) => `docs/guides/${f}`) : [];
}

const idOf = (file: string, line: number) => `${file.replace(/[^a-z0-9]+/gi, '_')}_L${line}`;

/** The paragraph right above line `i` (blank lines skipped), as its lines. */
function paragraphAbove(lines: string[], i: number): string[] {
  let k = i - 1;
  while (k >= 0 && lines[k]!.trim() === '') k--;
  const out: string[] = [];
  while (k >= 0 && lines[k]!.trim() !== '' && !lines[k]!.startsWith('```')) out.unshift(lines[k--]!);
  return out;
}

export function blocks(file: string, text: string): Block[] {
  const lines = text.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^```(\w+)\s*$/.exec(lines[i]!);
    if (!m) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) break;
    const lang = LANGS[m[1]!.toLowerCase()];
    const start = i;
    i = end;
    if (!lang) continue;
    const code = lines.slice(start + 1, end).join('\n') + '\n';
    const notRun = paragraphAbove(lines, start).map((l) => NOT_RUN.exec(l)).find(Boolean);
    const mode: Mode = notRun ? 'not-run' : lang !== 'sh' ? 'run' : code.split('\n').some((l) => TERMINAL.test(l)) ? 'terminals' : RUNS_SH.test(code) ? 'run' : 'check';
    out.push({ file, line: start + 1, lang, code, mode, reason: notRun?.[1], id: idOf(file, start + 1) });
  }
  return out;
}

/** A guide program (docs/guides/*.ts) is one block: the page shows the file whole. */
export const program = (file: string, text: string): Block => ({ file, line: 1, lang: 'ts', code: text, mode: 'run', id: idOf(file, 1) });

export type Terminal = { n: number; label: string; command: string };
/** A 'terminals' block as its terminals, in order: each label and the command lines under it (comments dropped). */
export function terminals(code: string): Terminal[] {
  const out: Terminal[] = [];
  for (const line of code.split('\n')) {
    const m = TERMINAL.exec(line);
    if (m) out.push({ n: Number(m[1]), label: m[2]!, command: '' });
    else if (out.length && line.trim() && !line.trimStart().startsWith('#')) out.at(-1)!.command += `${line}\n`;
  }
  return out;
}
