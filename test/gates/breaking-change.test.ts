// Breaking-change gate: the current contract against test/baseline, plus the seeded mutation corpus that
// proves the gate catches what it must (every breaking mutation) and nothing else (0 alarms on the rest).
import { describe, expect, it } from 'vitest';
import { formatReport, loadBaseline, loadCurrent, runGate } from './gate.ts';
import { BREAKING, NON_BREAKING, type Docs } from './mutations.ts';

const baseline = loadBaseline();
const mutate = (apply: (d: Docs) => void): Docs => {
  const d = structuredClone(baseline);
  apply(d);
  return d;
};

describe('breaking-change gate', () => {
  it('the current spec has no breaking change against the baseline', async () => {
    const r = await runGate(baseline, loadCurrent());
    expect(r.breaking, formatReport(r)).toEqual([]);
  });

  it('the baseline compared with itself reports nothing at all', async () => {
    const r = await runGate(baseline, structuredClone(baseline));
    expect([...r.openapi, ...r.asyncapi]).toEqual([]);
  });

  it('the corpus is big enough', () => {
    expect(BREAKING.length).toBeGreaterThanOrEqual(10);
    expect(NON_BREAKING.length).toBeGreaterThanOrEqual(10);
  });

  describe('catches every breaking mutation', () => {
    for (const m of BREAKING) {
      it(m.name, async () => {
        const r = await runGate(baseline, mutate(m.apply));
        expect(r.breaking.length, `not caught:\n${formatReport(r)}`).toBeGreaterThan(0);
        expect(r.breaking.map((c) => c.rule).some((rule) => rule.includes(m.expectRule!)), `expected rule ${m.expectRule}:\n${formatReport(r)}`).toBe(true);
      });
    }
  });

  describe('raises no alarm on non-breaking mutations', () => {
    for (const m of NON_BREAKING) {
      it(m.name, async () => {
        const head = mutate(m.apply);
        expect(head).not.toEqual(baseline); // the mutation really changed something
        const r = await runGate(baseline, head);
        expect(r.breaking, formatReport(r)).toEqual([]);
      });
    }
  });
});
