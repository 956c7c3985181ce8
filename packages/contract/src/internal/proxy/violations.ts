// The proxy's tally: every violation is counted by kind and part (documented / inferred); the first
// `maxKept` are kept for the summary. Everything recorded goes through the run's masker.
import type { Masker } from '../mask.js';
import type { Finding } from '../validate.js';
import type { Violation, ViolationKind } from '../../report.js';

export interface Tally {
  counts: { requests: number; client: number; server: number; connections: number };
  byKind: Record<ViolationKind, number>;
  list: Violation[];
  documented: number;
  inferred: number;
  violate(kind: ViolationKind, where: string, f: Finding): Violation;
}

export function createTally(mask: Masker, maxKept: number, log: (line: string) => void): Tally {
  const t: Tally = {
    counts: { requests: 0, client: 0, server: 0, connections: 0 },
    byKind: { request: 0, response: 0, 'client-frame': 0, 'server-frame': 0, close: 0 },
    list: [],
    documented: 0,
    inferred: 0,
    violate(kind, where, f) {
      const v: Violation = { kind, where: mask(where), check: mask(f.name), message: mask(f.message), inferred: !!f.inferred };
      t.byKind[kind]++;
      if (v.inferred) t.inferred++;
      else t.documented++;
      if (t.list.length < maxKept) t.list.push(v);
      log(`  ✘ ${kind} ${v.where}: ${v.message}${v.inferred ? ' (inferred part)' : ''}`);
      return v;
    },
  };
  return t;
}
