#!/usr/bin/env node
// Small rooms: no function over 80 lines, no file over 400 lines and no import cycle in the packages' sources.
// `node scripts/check-rooms.mjs` prints every violation and exits 1 when there is one; test/guards/rooms.test.ts
// runs the same checks in `npm test`. Generated code (src/generated/) is exempt from the size limits.
// Sizes are measured with the TypeScript parser (a function's lines run from its first to its last token, nested
// closures included); cycles come from dpdm over runtime imports (`import type` is erased, so it cannot loop).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { parseDependencyTree, parseCircular } from 'dpdm';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const LIMITS = { functionLines: 80, fileLines: 400 };
export const CHECKED_DIRS = ['packages/mock/src', 'packages/contract/src', 'packages/stream/src', 'packages/client/src', 'packages/spec/src'];

/** Every .ts source file under the checked directories, generated code included (cycles), as repo-relative paths. */
export function sourceFiles(dirs = CHECKED_DIRS) {
  const out = [];
  const walk = (dir) => {
    let names;
    try { names = readdirSync(join(ROOT, dir)); } catch { return; }
    for (const name of names) {
      const rel = `${dir}/${name}`;
      if (statSync(join(ROOT, rel)).isDirectory()) walk(rel);
      else if (/\.(m|c)?ts$/.test(name) && !name.endsWith('.d.ts')) out.push(rel);
    }
  };
  for (const d of dirs) walk(d);
  return out.sort();
}

const isGenerated = (file) => file.includes('/src/generated/');

function functionName(node, sf) {
  if (node.name) return node.name.getText(sf);
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) {
    return parent.name.getText(sf);
  }
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  return '(anonymous)';
}

/** Functions longer than the limit in one file: [{ file, name, line, lines }]. */
export function longFunctions(file, source = readFileSync(join(ROOT, file), 'utf8'), limit = LIMITS.functionLines) {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > limit) found.push({ file, name: functionName(node, sf), line: start + 1, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Files over the line limit: [{ file, lines }]. */
export function longFiles(files, limit = LIMITS.fileLines) {
  return files
    .map((file) => ({ file, lines: readFileSync(join(ROOT, file), 'utf8').split('\n').length - 1 }))
    .filter((f) => f.lines > limit);
}

/** Import cycles among the given files, each as a list of repo-relative paths. */
export async function importCycles(files) {
  const tree = await parseDependencyTree(files.map((f) => join(ROOT, f)), {
    context: ROOT,
    transform: true, // drop `import type`: it is erased and cannot form a runtime cycle
    skipDynamicImports: false,
    include: /\.(m|c)?[tj]s$/,
    exclude: /node_modules|\.d\.ts$/,
    tsconfig: undefined,
  });
  return parseCircular(tree).map((cycle) => cycle.map((f) => relative(ROOT, resolve(ROOT, f))));
}

export async function checkRooms(dirs = CHECKED_DIRS) {
  const files = sourceFiles(dirs);
  const sized = files.filter((f) => !isGenerated(f));
  return {
    files: files.length,
    longFunctions: sized.flatMap((f) => longFunctions(f)),
    longFiles: longFiles(sized),
    cycles: await importCycles(files),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await checkRooms();
  for (const f of r.longFiles) console.log(`file over ${LIMITS.fileLines} lines: ${f.file} (${f.lines})`);
  for (const f of r.longFunctions) console.log(`function over ${LIMITS.functionLines} lines: ${f.file}:${f.line} ${f.name} (${f.lines})`);
  for (const c of r.cycles) console.log(`import cycle: ${c.join(' -> ')}`);
  const n = r.longFiles.length + r.longFunctions.length + r.cycles.length;
  console.log(`${r.files} files checked: ${n} violation(s)`);
  process.exit(n === 0 ? 0 : 1);
}
