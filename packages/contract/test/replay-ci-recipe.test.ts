// The replay CI recipe (docs/guides/replay-ci.yml): a GitHub Actions workflow that replays a committed cassette in
// strict mode on every push and records a fresh one by hand. Parsed and shape-checked; every flag it passes to
// kallglot-mock and kallglot-contract must be one the CLIs document, and the guide links to it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run } from './helpers.js';

const guides = fileURLToPath(new URL('../../../docs/guides/', import.meta.url));
const text = readFileSync(join(guides, 'replay-ci.yml'), 'utf8');
type Step = { uses?: string; run?: string; with?: Record<string, string>; env?: Record<string, string> };
const wf = parse(text) as { name: string; on: object; jobs: Record<string, { 'runs-on': string; if?: string; steps: Step[] }> };
const mockUsage = readFileSync(join(dirname(createRequire(import.meta.url).resolve('@kallglot/mock/package.json')), 'bin', 'usage.txt'), 'utf8');

const flags = (line: string) => [...line.matchAll(/\s(--[a-z-]+)/g)].map((m) => m[1]!);

describe('replay CI recipe (docs/guides/replay-ci.yml)', () => {
  it('replays on push and pull requests, records by hand', () => {
    expect(wf.name).toBe('kallglot-replay');
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    expect(Object.keys(wf.jobs).sort()).toEqual(['record', 'replay']);
    const replay = wf.jobs.replay!.steps.find((s) => s.run?.includes('kallglot-mock --replay'))!;
    expect(replay.run).toContain('--replay-strict');
    // The job fails when the tests fail or when the strict replay (exit 1 on SIGTERM) saw a difference.
    expect(replay.run).toMatch(/kill -TERM "\$MOCK"; wait "\$MOCK"; REPLAY=\$\?/);
    // $! must be the process that gets SIGTERM and whose status is read: through npx it would be npm's, which
    // neither forwards the signal to the mock nor returns the mock's exit status.
    for (const job of Object.values(wf.jobs)) {
      for (const line of job.steps.flatMap((s) => (s.run ?? '').split('\n')).filter((l) => /&\s*$/.test(l))) {
        expect(line, 'a background server in the recipe').toMatch(/^\s*node_modules\/\.bin\/kallglot-/);
      }
    }
    expect(replay.run).toContain('exit $(( TESTS != 0 || REPLAY != 0 ))');
    const record = wf.jobs.record!.steps.find((s) => s.run?.includes('kallglot-contract proxy'))!;
    expect(record.env?.KALLGLOT_API_KEY).toBe('${{ secrets.KALLGLOT_API_KEY }}');
    expect(wf.jobs.record!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))?.with?.path).toBe('test/cassettes/call.har');
  });

  it('passes only flags the CLIs accept', async () => {
    const lines = Object.values(wf.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ?? '').split('\n')));
    const mockFlags = lines.filter((l) => l.includes('kallglot-mock')).flatMap(flags);
    const proxyFlags = lines.filter((l) => l.includes('kallglot-contract proxy')).flatMap(flags);
    expect(mockFlags).toContain('--replay');
    for (const f of mockFlags) expect(mockUsage, `kallglot-mock ${f}`).toMatch(new RegExp(`^\\s+${f}\\b`, 'm'));
    const help = (await run(['proxy', '--help'])).out;
    expect(proxyFlags).toContain('--record');
    for (const f of proxyFlags) expect(help, `kallglot-contract proxy ${f}`).toContain(f);
  });

  it('the guide and the docs landing page point at it', () => {
    expect(readFileSync(join(guides, 'record-replay', 'README.md'), 'utf8')).toContain('(../replay-ci.yml)');
    expect(readFileSync(join(guides, 'overview.md'), 'utf8')).toContain('docs/guides/replay-ci.yml');
  });
});
