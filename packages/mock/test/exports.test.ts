// The public surface, snapshotted: adding or removing an export of @kallglot/mock, @kallglot/mock/msw or
// @kallglot/mock/engine changes this list, so the change is deliberate (and reviewed).
import { describe, expect, it } from 'vitest';
import * as engine from '../src/engine-entry.js';
import * as main from '../src/index.js';
import * as msw from '../src/msw/index.js';

describe('export lists', () => {
  it('@kallglot/mock exports only what users need', () => {
    expect(Object.keys(main).sort()).toEqual(['RETRY_SCHEDULE_MS', 'createMockControl', 'sendWebhook', 'startDocsServer', 'startMock', 'startRestMock', 'startStreamMock', 'webhookEventTypes']);
  });
  it('@kallglot/mock/msw', () => {
    expect(Object.keys(msw).sort()).toEqual(['DEFAULT_MSW_BASE_URL', 'DEFAULT_MSW_STREAM_URL', 'DEFAULT_WEBHOOK_SECRET', 'createKallglotHandlers']);
  });
  it('@kallglot/mock/engine holds the internals', () => {
    expect(Object.keys(engine).sort()).toEqual([
      'ApiFailure',
      'BUILTIN_SCENARIOS_DIR',
      'BodyTooLarge',
      'Clock',
      'Engine',
      'IDEMPOTENT_OPS',
      'MAX_PAYLOAD',
      'STREAM_MOCK_TENANT',
      'SessionRegistry',
      'TOKEN_PATTERN',
      'WebhookDispatcher',
      'buildWebhookEvent',
      'canonicalJson',
      'createPipeline',
      'loadOpenApiModel',
      'loadScenarioFile',
      'loadScenarios',
      'resolveScenario',
    ]);
  });
});
