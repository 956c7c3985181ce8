// The typed overrides are checked by the compiler: test/msw-browser/override-types.ts must compile as it is
// (so every @ts-expect-error marks a real error — an unused one is TS2578), and with the markers removed it must
// fail exactly once per marker.
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./msw-browser/override-types.ts', import.meta.url));
const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));

function diagnostics(file: string): readonly ts.Diagnostic[] {
  const cfg = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const program = ts.createProgram([file], { ...cfg.options, noEmit: true });
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
}

const render = (ds: readonly ts.Diagnostic[]) => ds.map((d) => `${d.start}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n').slice(0, 200)}`);

describe('typed overrides (tsc)', () => {
  it('compiles with every @ts-expect-error used, and fails once per marker without them', () => {
    expect(render(diagnostics(fixture))).toEqual([]);
    const src = readFileSync(fixture, 'utf8');
    const markers = src.split('\n').filter((l) => l.trim().startsWith('// @ts-expect-error')).length;
    expect(markers).toBeGreaterThanOrEqual(7);
    const bare = fixture.replace(/\.ts$/, '.bare.ts');
    writeFileSync(bare, src.replace(/\/\/ @ts-expect-error[^\n]*/g, '//'));
    try {
      const lines = new Set(diagnostics(bare).map((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line));
      expect(lines.size).toBe(markers);
    } finally {
      rmSync(bare, { force: true });
    }
  }, 120_000);
});
