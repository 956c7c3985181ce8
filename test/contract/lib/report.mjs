// Renders a contract-suite report as readable text, JSON and JUnit XML, and writes them to a directory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function formatText(r) {
  const lines = [];
  const { summary: s } = r;
  lines.push(`Kallglot contract suite — ${r.target.baseUrl} (stream ${r.target.streamUrl ?? 'n/a'})`);
  lines.push(`spec: OpenAPI ${r.spec.openapi} (${r.spec.operations} operations), AsyncAPI ${r.spec.asyncapi} (${r.spec.serverMessages.length} server + ${r.spec.clientMessages.length} client messages)`);
  lines.push(`${s.failed === 0 ? 'PASS' : 'FAIL'}: ${s.checks} checks, ${s.passed} passed, ${s.failed} failed (${(s.durationMs / 1000).toFixed(1)} s)`);
  const failures = r.checks.filter((c) => !c.ok);
  if (failures.length) {
    lines.push('', 'Failures:');
    for (const c of failures) lines.push(`  ✘ [${c.group}] ${c.name}\n      ${c.message}`);
  }
  lines.push('', 'Coverage (documented statuses → observed):');
  for (const c of r.coverage) {
    const missing = c.missing.length ? `  not provoked: ${c.missing.join(', ')}` : '';
    lines.push(`  ${c.operationId.padEnd(26)} ${`${c.method} ${c.path}`.padEnd(44)} seen ${c.observed.join(', ') || '-'}${missing}`);
  }
  const types = Object.entries(r.stream.types).map(([t, n]) => `${t}×${n}`).join(', ');
  lines.push('', `Stream: ${r.stream.frames} server frames validated (${types || 'none'}); close codes seen: ${r.stream.closeCodes.join(', ') || '-'}`);
  if (r.webhooks) lines.push(`Webhooks: ${r.webhooks.deliveries} deliveries validated (${Object.entries(r.webhooks.types).map(([t, n]) => `${t}×${n}`).join(', ') || 'none'})`);
  else lines.push('Webhooks: not checked (only possible when the suite can set the delivery URL, i.e. with the built-in mock)');
  if (!r.target.prefer) lines.push('Note: the Prefer response selector was off, so only statuses the server produced naturally were provoked.');
  for (const n of r.notes) lines.push(`Note: ${n}`);
  if (r.arazzo) lines.push(`Arazzo workflows: ${r.arazzo}`);
  return lines.join('\n');
}

const xml = (s) => String(s).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]);

export function formatJUnit(r) {
  const groups = new Map();
  for (const c of r.checks) {
    if (!groups.has(c.group)) groups.set(c.group, []);
    groups.get(c.group).push(c);
  }
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="kallglot-contract" tests="${r.summary.checks}" failures="${r.summary.failed}" time="${(r.summary.durationMs / 1000).toFixed(3)}">`);
  for (const [g, list] of groups) {
    const f = list.filter((c) => !c.ok).length;
    out.push(`  <testsuite name="${xml(g)}" tests="${list.length}" failures="${f}">`);
    for (const c of list) {
      out.push(`    <testcase classname="${xml(g)}" name="${xml(c.name)}">${c.ok ? '' : `<failure message="${xml(c.message)}"/>`}</testcase>`);
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

export function writeReports(r, dir) {
  mkdirSync(dir, { recursive: true });
  const files = { text: join(dir, 'contract-report.txt'), json: join(dir, 'contract-report.json'), junit: join(dir, 'contract-junit.xml') };
  writeFileSync(files.text, formatText(r) + '\n');
  writeFileSync(files.json, JSON.stringify(r, null, 2) + '\n');
  writeFileSync(files.junit, formatJUnit(r));
  return files;
}
