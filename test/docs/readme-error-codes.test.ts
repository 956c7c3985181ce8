// The READMEs and guides name the error codes the sandbox really sends: every code-like word they quote is in
// the spec's ErrorCode vocabulary (or the stream's close-code names, or verifyWebhook's reasons), and the 401 codes they promise are the
// ones a running sandbox answers with.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock } from '@kallglot/mock';
import { CLOSE_CODES } from '@kallglot/stream';
import { repoRoot } from '../helpers/paths.ts';

const openapi = JSON.parse(readFileSync(join(repoRoot, 'packages/spec/dist/openapi.json'), 'utf8'));
const errorCodes = new Set<string>(openapi.components.schemas.ErrorCode.enum);
// verifyWebhook's reasons (WebhookVerificationError.reason), read from the client's published types.
const webhookReasons = new Set(
  [...(/WebhookVerificationReason = ([^;]+);/.exec(readFileSync(join(repoRoot, 'packages/client/dist/webhooks.d.ts'), 'utf8'))?.[1] ?? '').matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!),
);
const closeNames = new Set(Object.values(CLOSE_CODES as Record<string, { name?: string }>).map((c) => c.name).filter(Boolean) as string[]);
const docs = [
  'README.md',
  ...readdirSync(join(repoRoot, 'packages')).map((p) => `packages/${p}/README.md`),
  ...readdirSync(join(repoRoot, 'docs/guides')).filter((f) => f.endsWith('.md')).map((f) => `docs/guides/${f}`),
].filter((f) => {
  try {
    readFileSync(join(repoRoot, f));
    return true;
  } catch {
    return false;
  }
});
// Words shaped like an error code: a known code, or snake_case ending the way codes end.
const CODE_SHAPE = /^[a-z]+(?:_[a-z]+)*_(?:api_key|not_found|exceeded|credits|inactive|conflict|mismatch|unavailable|not_ready|not_available)$/;
const quoted = (file: string) => [...readFileSync(join(repoRoot, file), 'utf8').matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);

describe('error codes in READMEs and guides', () => {
  it.each(docs)('%s quotes only codes the sandbox and the spec know', (file) => {
    const unknown = quoted(file).filter((w) => CODE_SHAPE.test(w) && !errorCodes.has(w) && !closeNames.has(w) && !webhookReasons.has(w));
    expect(unknown).toEqual([]);
  });

  describe('the 401 codes', () => {
    let mock: Awaited<ReturnType<typeof startMock>>;
    beforeAll(async () => {
      mock = await startMock({ host: '127.0.0.1', restPort: 0, streamPort: 0, docsDir: false });
    });
    afterAll(() => mock?.close());

    it('the sandbox sends missing_api_key and malformed_api_key, and the mock README names exactly those', async () => {
      const code = async (headers: Record<string, string>) => ((await (await fetch(`${mock.urls.rest}/v1/agents`, { headers })).json()) as { error: { code: string } }).error.code;
      const sent = new Set([await code({}), await code({ authorization: 'Bearer nope' }), await code({ authorization: 'sk_test_no_bearer' })]);
      expect([...sent].sort()).toEqual(['malformed_api_key', 'missing_api_key']);
      const readme = quoted('packages/mock/README.md').filter((w) => w.endsWith('_api_key'));
      expect(new Set(readme)).toEqual(sent);
    });
  });
});
