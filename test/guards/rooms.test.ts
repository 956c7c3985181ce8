// Small rooms, checked on every `npm test`: no function over 80 lines, no file over 400 lines (generated code
// exempt) and no import cycle in the packages' sources (scripts/check-rooms.mjs, also runnable by hand).
// The checker itself is tested on fixtures first, so a guard that silently checks nothing cannot pass.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM script without types
import { checkRooms, longFunctions, longFiles, importCycles, sourceFiles } from '../../scripts/check-rooms.mjs';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');

describe('the rooms checker', () => {
  it('finds a function over 80 lines, nested closures counted in their parent', () => {
    const source = `export function big() {\n${lines(79)}\n  return () => 1;\n}\nexport const ok = () => {\n${lines(10)}\n};\n`;
    const found = longFunctions('fixture.ts', source);
    expect(found.map((f: { name: string }) => f.name)).toEqual(['big']);
    expect(found[0].lines).toBe(82);
  });

  it('finds a method over 80 lines and names it', () => {
    const source = `class A {\n  run() {\n${lines(80)}\n  }\n}\n`;
    expect(longFunctions('fixture.ts', source).map((f: { name: string }) => f.name)).toEqual(['run']);
  });

  it('finds an import cycle among real files', async () => {
    const cycles = await importCycles(['test/guards/fixtures/cycle-a.ts']);
    expect(cycles).toHaveLength(1);
    expect(cycles[0].join(' ')).toMatch(/cycle-a\.ts.*cycle-b\.ts|cycle-b\.ts.*cycle-a\.ts/);
  });

  it('lists the packages sources it checks', () => {
    const files: string[] = sourceFiles();
    for (const pkg of ['mock', 'contract', 'stream', 'client']) {
      expect(files.some((f) => f.startsWith(`packages/${pkg}/src/`))).toBe(true);
    }
    expect(longFiles(['test/guards/fixtures/cycle-a.ts'], 1)).toHaveLength(1);
  });
});

describe('the packages keep small rooms', () => {
  it('has no function over 80 lines, no file over 400 lines and no import cycle', async () => {
    const r = await checkRooms();
    const report = [
      ...r.longFiles.map((f: { file: string; lines: number }) => `file ${f.file}: ${f.lines} lines`),
      ...r.longFunctions.map((f: { file: string; line: number; name: string; lines: number }) => `function ${f.file}:${f.line} ${f.name}: ${f.lines} lines`),
      ...r.cycles.map((c: string[]) => `cycle ${c.join(' -> ')}`),
    ];
    expect(report).toEqual([]);
  }, 120_000);
});
