// A new operation in the spec becomes a facade method after `generate`: a fixture spec (the bundled one plus
// two operations) is generated into a copy of src/, type-checked with tsc and called against a real server.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from './helpers/fault-server.js';

const pkgDir = new URL('..', import.meta.url).pathname;
const specPath = join(pkgDir, '..', 'spec', 'dist', 'openapi.json');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
let dir: string;
let server: FaultServer;

const listSchema = {
  type: 'object',
  'x-kallglot-source': 'inferred',
  properties: {
    object: { type: 'string', const: 'list', 'x-kallglot-source': 'inferred' },
    data: { type: 'array', 'x-kallglot-source': 'inferred', items: { type: 'object', 'x-kallglot-source': 'inferred', required: ['id'], properties: { id: { type: 'string', 'x-kallglot-source': 'inferred' }, accent: { type: 'string', 'x-kallglot-source': 'inferred' } } } },
    has_more: { type: 'boolean', 'x-kallglot-source': 'inferred' },
    next_cursor: { type: ['string', 'null'], 'x-kallglot-source': 'inferred' },
  },
};
const json = (schema: unknown) => ({ description: 'OK', content: { 'application/json': { schema } } });

function fixtureSpec(withExtension: boolean) {
  const doc = JSON.parse(readFileSync(specPath, 'utf8'));
  const idParam = { name: 'agent_id', in: 'path', required: true, schema: { type: 'string' } };
  doc.paths['/v1/agents/{agent_id}/voices'] = {
    get: {
      operationId: 'listAgentVoices',
      tags: ['Agents'],
      summary: 'List the voices an agent can use',
      ...(withExtension ? { 'x-kallglot-sdk': { resource: 'agents.voices', method: 'list' } } : {}),
      parameters: [idParam, { name: 'limit', in: 'query', schema: { type: 'integer' } }],
      responses: { '200': json(listSchema) },
    },
  };
  // operationId + tag give the shape (`cloneAgent` under Agents → agents.clone): no extension needed.
  doc.paths['/v1/agents/{agent_id}/clone'] = {
    post: {
      operationId: 'cloneAgent',
      tags: ['Agents'],
      summary: 'Clone an agent',
      parameters: [idParam],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string' } } } } } },
      responses: { '200': json({ type: 'object', required: ['id'], properties: { id: { type: 'string' } } }) },
    },
  };
  return doc;
}

function generate(doc: unknown) {
  const spec = join(dir, 'fixture.json');
  writeFileSync(spec, JSON.stringify(doc));
  return spawnSync(process.execPath, [join(pkgDir, 'scripts', 'generate.mjs')], {
    encoding: 'utf8',
    env: { ...process.env, KALLGLOT_GENERATE_SPEC: spec, KALLGLOT_GENERATE_OUT: join(dir, 'src', 'generated') },
  });
}

beforeAll(async () => {
  // Inside the package, so the copy resolves the same node_modules.
  dir = mkdtempSync(join(pkgDir, 'test', '.tmp-generate-'));
  cpSync(join(pkgDir, 'src'), join(dir, 'src'), { recursive: true });
  server = await startFaultServer();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server?.close();
});

describe('generate: a new operation becomes a method', () => {
  it('an operation whose operationId and tag do not give a method is refused until it has x-kallglot-sdk', () => {
    const r = generate(fixtureSpec(false));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/GET \/v1\/agents\/\{agent_id\}\/voices \(listAgentVoices\).*add x-kallglot-sdk/);
  });

  it('agents.voices.list and agents.clone exist, are typed from paths, and call the API', async () => {
    const r = generate(fixtureSpec(true));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    writeFileSync(
      join(dir, 'app.ts'),
      `import { Kallglot } from './src/index.js';
const k = new Kallglot({ apiKey: 'sk_test_fixture', baseUrl: 'http://127.0.0.1:1' });
export async function run() {
  for await (const v of k.agents.voices.list('agt_1', { limit: 2 })) { const id: string = v.id; void id; }
  const c = await k.agents.clone('agt_1', { name: 'Copy' });
  const id: string = c.id;
  // @ts-expect-error name is required
  await k.agents.clone('agt_1', {});
  // @ts-expect-error limit is a number
  await k.agents.voices.list('agt_1', { limit: 'two' });
  return id;
}
`,
    );
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../../../tsconfig.base.json', compilerOptions: { noEmit: true, types: [] }, include: ['app.ts'] }));
    const check = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], { encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);

    const { Kallglot } = (await import(join(dir, 'src', 'index.ts'))) as typeof import('../src/index.js');
    const k = new Kallglot({ apiKey: 'sk_test_fixture', baseUrl: server.url, maxRetries: 0 }) as any;
    server.script(
      { status: 200, body: { object: 'list', data: [{ id: 'voice_1' }], has_more: true, next_cursor: 'voice_1' } },
      { status: 200, body: { object: 'list', data: [{ id: 'voice_2' }], has_more: false, next_cursor: null } },
      { status: 200, body: { id: 'agt_2' } },
    );
    const ids: string[] = [];
    for await (const v of k.agents.voices.list('agt_1', { limit: 1 })) ids.push(v.id);
    expect(ids).toEqual(['voice_1', 'voice_2']);
    expect((await k.agents.clone('agt_1', { name: 'Copy' })).id).toBe('agt_2');
    expect(server.requests.map((q) => `${q.method} ${q.url} ${q.body}`)).toEqual([
      'GET /v1/agents/agt_1/voices?limit=1 ',
      'GET /v1/agents/agt_1/voices?limit=1&starting_after=voice_1 ',
      'POST /v1/agents/agt_1/clone {"name":"Copy"}',
    ]);
  }, 120_000);
});
