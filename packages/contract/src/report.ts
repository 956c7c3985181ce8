// Reports of the suite and the proxy: human text, JSON and JUnit XML. Secrets are masked by the writer (see
// cli.ts), not here.
import type { Waiver } from './internal/errors.js';

export type CheckStatus = 'pass' | 'fail' | 'inferred';

export interface Check {
  id: number;
  group: string;
  name: string;
  status: CheckStatus;
  /** true when the check passed (an inferred-part deviation is ok unless the run is strict). */
  ok: boolean;
  message: string;
  operation?: string;
}

export interface Skipped {
  what: string;
  reason: string;
}

export interface Coverage {
  operationId: string;
  method: string;
  path: string;
  documented: string[];
  observed: string[];
  missing: string[];
}

export interface SuiteReport {
  tool: 'kallglot-contract';
  command: 'test';
  target: { baseUrl: string; streamUrl: string | null; mock: boolean };
  mode: { writes: boolean; prefer: boolean; strict: boolean; only: string[] };
  spec: { openapi: string; asyncapi: string; operations: number; serverMessages: string[]; clientMessages: string[] };
  summary: { checks: number; passed: number; failed: number; inferred: number; skipped: number; durationMs: number };
  coverage: Coverage[];
  stream: { frames: number; types: Record<string, number>; closeCodes: number[] };
  webhooks?: { deliveries: number; types: Record<string, number> };
  skipped: Skipped[];
  notes: string[];
  waivers: { reason: string; used: number }[];
  checks: Check[];
}

export function summarize(r: Pick<SuiteReport, 'checks' | 'skipped' | 'mode'>, durationMs: number): SuiteReport['summary'] {
  const failed = r.checks.filter((c) => c.status === 'fail').length;
  const inferred = r.checks.filter((c) => c.status === 'inferred').length;
  return { checks: r.checks.length, passed: r.checks.length - failed - inferred, failed, inferred, skipped: r.skipped.length, durationMs };
}

/** A run fails on any documented-part violation, and in strict mode on any inferred-part deviation too. */
export function hasViolation(r: SuiteReport): boolean {
  return r.summary.failed > 0 || (r.mode.strict && r.summary.inferred > 0);
}

export function waiverSummary(waivers: Waiver[]): SuiteReport['waivers'] {
  return waivers.map((w) => ({ reason: w.reason, used: w.used ?? 0 }));
}

export function formatText(r: SuiteReport): string {
  const lines: string[] = [];
  const s = r.summary;
  const verdict = hasViolation(r) ? 'FAIL' : 'PASS';
  lines.push(`Kallglot contract suite — ${r.target.baseUrl}${r.target.mock ? ' (mock)' : ''} (stream ${r.target.streamUrl ?? 'n/a'})`);
  lines.push(`spec: OpenAPI ${r.spec.openapi} (${r.spec.operations} operations), AsyncAPI ${r.spec.asyncapi} (${r.spec.serverMessages.length} server + ${r.spec.clientMessages.length} client messages)`);
  lines.push(`mode: ${r.mode.writes ? 'read-write' : 'read-only'}${r.mode.prefer ? ', every documented status via Prefer' : ''}${r.mode.strict ? ', strict' : ''}${r.mode.only.length ? `, only ${r.mode.only.join(', ')}` : ''}`);
  lines.push(`${verdict}: ${s.checks} checks, ${s.passed} passed, ${s.failed} failed, ${s.inferred} inferred-part deviations, ${s.skipped} skipped (${(s.durationMs / 1000).toFixed(1)} s)`);
  const failures = r.checks.filter((c) => c.status === 'fail');
  if (failures.length) {
    lines.push('', 'Documented-part violations:');
    for (const c of failures) lines.push(`  ✘ [${c.group}] ${c.name}\n      ${c.message}`);
  }
  const inferred = r.checks.filter((c) => c.status === 'inferred');
  if (inferred.length) {
    lines.push('', `Inferred-part deviations (${r.mode.strict ? 'strict: counted as failures' : 'warnings; --strict counts them'}):`);
    for (const c of inferred) lines.push(`  ${r.mode.strict ? '✘' : '!'} [${c.group}] ${c.name}\n      ${c.message}`);
  }
  if (r.skipped.length) {
    lines.push('', 'Skipped:');
    for (const k of r.skipped) lines.push(`  - ${k.what}: ${k.reason}`);
  }
  if (r.coverage.length) {
    lines.push('', 'Coverage (documented statuses → observed):');
    for (const c of r.coverage) {
      const missing = c.missing.length ? `  not provoked: ${c.missing.join(', ')}` : '';
      lines.push(`  ${c.operationId.padEnd(26)} ${`${c.method} ${c.path}`.padEnd(44)} seen ${c.observed.join(', ') || '-'}${missing}`);
    }
  }
  const types = Object.entries(r.stream.types).map(([t, n]) => `${t}×${n}`).join(', ');
  lines.push('', `Stream: ${r.stream.frames} server frames validated (${types || 'none'}); close codes seen: ${r.stream.closeCodes.join(', ') || '-'}`);
  if (r.webhooks) lines.push(`Webhooks: ${r.webhooks.deliveries} deliveries validated (${Object.entries(r.webhooks.types).map(([t, n]) => `${t}×${n}`).join(', ') || 'none'})`);
  for (const w of r.waivers.filter((x) => x.used > 0)) lines.push(`Waived ${w.used}×: ${w.reason}`);
  for (const n of r.notes) lines.push(`Note: ${n}`);
  return lines.join('\n');
}

const xml = (s: string) => String(s).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

export interface JUnitCase {
  group: string;
  name: string;
  failure?: string;
  skipped?: string;
}

export function junitXml(name: string, cases: JUnitCase[], durationMs: number): string {
  const groups = new Map<string, JUnitCase[]>();
  for (const c of cases) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="${xml(name)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${(durationMs / 1000).toFixed(3)}">`);
  for (const [g, list] of groups) {
    const f = list.filter((c) => c.failure !== undefined).length;
    const k = list.filter((c) => c.skipped !== undefined).length;
    out.push(`  <testsuite name="${xml(g)}" tests="${list.length}" failures="${f}" skipped="${k}">`);
    for (const c of list) {
      const inner = c.failure !== undefined ? `<failure message="${xml(c.failure)}"/>` : c.skipped !== undefined ? `<skipped message="${xml(c.skipped)}"/>` : '';
      out.push(`    <testcase classname="${xml(g)}" name="${xml(c.name)}">${inner}</testcase>`);
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

export function formatJUnit(r: SuiteReport): string {
  const cases: JUnitCase[] = r.checks.map((c) => ({
    group: c.group,
    name: c.name,
    ...(c.status === 'fail' || (c.status === 'inferred' && r.mode.strict) ? { failure: c.status === 'inferred' ? `inferred part: ${c.message}` : c.message } : {}),
  }));
  for (const k of r.skipped) cases.push({ group: 'Skipped', name: k.what, skipped: k.reason });
  return junitXml('kallglot-contract', cases, r.summary.durationMs);
}

// ---------- the proxy's summary ----------

export type ViolationKind = 'request' | 'response' | 'client-frame' | 'server-frame' | 'close';
export interface Violation {
  kind: ViolationKind;
  where: string;
  check: string;
  message: string;
  inferred: boolean;
}
export interface ProxySummary {
  tool: 'kallglot-contract';
  command: 'proxy';
  upstream: string;
  streamUpstream: string | null;
  requests: number;
  frames: { client: number; server: number };
  connections: number;
  violations: { total: number; documented: number; inferred: number; byKind: Record<ViolationKind, number> };
  list: Violation[];
  durationMs: number;
}

/** Whether a summary has violations that count (documented ones, and inferred ones in strict mode). */
export function proxyFailed(s: ProxySummary, strict = false): boolean {
  return s.violations.documented > 0 || (strict && s.violations.inferred > 0);
}

export function formatProxySummary(s: ProxySummary): string {
  const lines = [
    `Kallglot contract proxy — ${s.upstream}${s.streamUpstream ? ` + ${s.streamUpstream}` : ''}`,
    `${s.requests} requests, ${s.connections} stream connections, ${s.frames.client} client frames, ${s.frames.server} server frames`,
    `${s.violations.total} violations (${s.violations.documented} documented, ${s.violations.inferred} inferred part): ${Object.entries(s.violations.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}`,
  ];
  for (const v of s.list) lines.push(`  ${v.inferred ? '!' : '✘'} [${v.kind}] ${v.where}: ${v.message}`);
  return lines.join('\n');
}

export function proxyJUnit(s: ProxySummary, strict = false): string {
  const cases: JUnitCase[] = s.list.map((v) => ({ group: `proxy ${v.kind}`, name: `${v.where}: ${v.check}`, ...(!v.inferred || strict ? { failure: v.message } : {}) }));
  cases.push({ group: 'proxy', name: `${s.requests} requests and ${s.frames.client + s.frames.server} frames validated`, ...(proxyFailed(s, strict) ? { failure: `${s.violations.total} violations` } : {}) });
  return junitXml('kallglot-contract proxy', cases, s.durationMs);
}
