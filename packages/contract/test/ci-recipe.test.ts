// The CI recipe on the docs site (docs/guides/contract-ci.yml) and in the README: a GitHub Actions workflow
// that runs the suite against the mock and against staging and uploads JUnit. Parsed and shape-checked here;
// the README's copy must be the same file, and every command in it must be a flag the CLI accepts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run } from './helpers.js';

const file = fileURLToPath(new URL('../../../docs/guides/contract-ci.yml', import.meta.url));
const text = readFileSync(file, 'utf8');
const wf = parse(text) as { name: string; on: object; jobs: Record<string, { 'runs-on': string; steps: { uses?: string; run?: string; with?: Record<string, string>; if?: string }[] }> };

describe('CI recipe (docs/guides/contract-ci.yml)', () => {
  it('is a GitHub Actions workflow with a mock job and a staging job', () => {
    expect(wf.name).toBe('kallglot-contract');
    expect(wf.on).toHaveProperty('pull_request');
    expect(Object.keys(wf.jobs).sort()).toEqual(['mock', 'staging']);
    for (const job of Object.values(wf.jobs)) {
      expect(job['runs-on']).toMatch(/^ubuntu-/);
      expect(job.steps[0]!.uses).toMatch(/^actions\/checkout@v\d+$/);
      expect(job.steps.some((s) => /^actions\/setup-node@v\d+$/.test(s.uses ?? ''))).toBe(true);
      const test = job.steps.find((s) => s.run?.includes('npx kallglot-contract test'));
      const junit = test!.run!.match(/--junit (\S+)/)?.[1];
      expect(junit).toBeTruthy();
      const upload = job.steps.find((s) => /^actions\/upload-artifact@v\d+$/.test(s.uses ?? ''));
      expect(upload?.with?.path).toBe(junit);
      expect(upload?.if).toBe('always()');
    }
    expect(JSON.stringify(wf.jobs.mock)).toContain('@kallglot/mock');
    expect(JSON.stringify(wf.jobs.staging)).toContain('secrets.KALLGLOT_STAGING_API_KEY');
    expect(JSON.stringify(wf.jobs.staging)).not.toContain('--allow-writes');
  });

  it('the README embeds the same workflow', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = readme.match(/```yaml\n(# Contract-test a Kallglot server[\s\S]*?)```/)?.[1];
    expect(block).toBe(text);
  });

  it('every kallglot-contract command line in it parses (checked with --help appended)', async () => {
    const lines = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? '')).filter((r) => r.startsWith('npx kallglot-contract '));
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      const argv = l.replace('npx kallglot-contract ', '').split(/\s+/);
      expect((await run([...argv, '--help'])).code, l).toBe(0);
    }
  });
});
