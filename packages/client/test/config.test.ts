import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  createKallglotClient,
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_BACKOFF,
  KallglotConfigError,
  KallglotConnectionError,
  Kallglot,
  idempotentOperations,
  retryPolicyFor,
  VERSION,
} from '../src/index.js';
import { operations as operationTable } from '../src/generated/operations.js';
import pkg from '../package.json' with { type: 'json' };
import { refusedPortUrl } from './helpers/fault-server.js';

const secretKey = 'sk_live_51HsEcReTvAlUe0123456789';

function configError(fn: () => unknown): KallglotConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KallglotConfigError);
    return e as KallglotConfigError;
  }
  throw new Error('expected a KallglotConfigError');
}

describe('construction', () => {
  it('documents the defaults', () => {
    expect(DEFAULT_BASE_URL).toBe('https://api.kallglot.com');
    expect(DEFAULT_MAX_RETRIES).toBe(2);
    expect(DEFAULT_TIMEOUT_MS).toBe(60_000);
    expect(DEFAULT_BACKOFF).toEqual({ initialRetryDelayMs: 500, maxRetryDelayMs: 8_000, maxRetryAfterMs: 60_000, maxRetryWaitMs: 60_000 });
    expect(createKallglotClient({ apiKey: secretKey }).baseUrl).toBe('https://api.kallglot.com');
    expect(createKallglotClient({ apiKey: 'sk_test_x', baseUrl: 'http://127.0.0.1:4010/' }).baseUrl).toBe('http://127.0.0.1:4010');
  });

  it('VERSION is the package version', () => {
    expect(VERSION).toBe(pkg.version);
  });

  it('a missing key is a clear error at construction', () => {
    expect(configError(() => createKallglotClient({} as never)).message).toMatch(/apiKey is required.*sk_live_.*sk_test_/);
    expect(configError(() => createKallglotClient({ apiKey: '' })).message).toMatch(/apiKey is required/);
    expect(configError(() => createKallglotClient(undefined as never)).message).toMatch(/apiKey/);
    expect(configError(() => createKallglotClient({ apiKey: 42 as never })).message).toMatch(/apiKey is malformed/);
  });

  it('a malformed key is rejected without echoing it', () => {
    const bad = ['pk_live_abcdef123', 'sk_prod_abcdef', 'sk_live_', ` ${secretKey}`, 'sk_test_abc def', 'kst_live_01HXYZabcdef', 'sk_test_ümlaut'];
    for (const apiKey of bad) {
      const e = configError(() => createKallglotClient({ apiKey }));
      expect(e.message).toMatch(/malformed/);
      if (apiKey !== 'sk_live_') expect(e.message).not.toContain(apiKey.trim());
      expect(e.message).not.toContain(apiKey.slice(8, 14) || '\u0000');
    }
  });

  it('bad options are rejected clearly', () => {
    expect(configError(() => createKallglotClient({ apiKey: secretKey, baseUrl: 'api.kallglot.com' })).message).toMatch(/absolute http\(s\) URL/);
    expect(configError(() => createKallglotClient({ apiKey: secretKey, baseUrl: 'https://api.kallglot.com/v1' })).message).toMatch(/\/v1/);
    expect(configError(() => createKallglotClient({ apiKey: secretKey, baseUrl: 'https://u:p@api.kallglot.com' })).message).toMatch(/without credentials/);
    expect(configError(() => createKallglotClient({ apiKey: secretKey, baseUrl: 'ftp://x' })).message).toMatch(/http\(s\)/);
    const leaky = configError(() => createKallglotClient({ apiKey: secretKey, baseUrl: `https://proxy.example/${secretKey}` }));
    expect(leaky.message).toMatch(/must not contain the API key/);
    expect(leaky.message).not.toContain(secretKey);
    expect(configError(() => createKallglotClient({ apiKey: secretKey, maxRetries: -1 })).message).toMatch(/maxRetries/);
    expect(configError(() => createKallglotClient({ apiKey: secretKey, timeoutMs: Number.NaN })).message).toMatch(/timeoutMs/);
  });

  it('the key is not reachable from the client object, inspect output or errors', async () => {
    const client = createKallglotClient({ apiKey: secretKey, baseUrl: await refusedPortUrl(), maxRetries: 0 });
    expect(inspect(client, { depth: 6, showHidden: true })).not.toContain(secretKey);
    expect(JSON.stringify(Object.keys(client))).not.toContain(secretKey);
    const err = await client.GET('/v1/agents').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KallglotConnectionError);
    expect(inspect(err, { depth: 6 })).not.toContain(secretKey);
    expect(JSON.stringify(err)).not.toContain(secretKey);
  });
});

describe('operation table (generated from the spec)', () => {
  it('has the 16 fixed operationIds', () => {
    expect(operationTable.map((o) => o.operationId).sort()).toEqual(
      [
        'listAgents', 'createAgent', 'retrieveAgent', 'updateAgent', 'deleteAgent', 'createSession', 'retrieveSession', 'endSession',
        'dialSession', 'hangupSession', 'retrieveSessionTranscript', 'listSessionRecordings', 'retrieveRecording',
        'downloadRecordingAudio', 'createSessionAnalysis', 'retrieveAnalysis',
      ].sort(),
    );
  });

  it('exactly the 5 documented POSTs honour Idempotency-Key', () => {
    expect([...idempotentOperations].sort()).toEqual(
      ['POST /v1/agents', 'POST /v1/sessions', 'POST /v1/sessions/{session_id}/analysis', 'POST /v1/sessions/{session_id}/dial', 'POST /v1/sessions/{session_id}/end'],
    );
    expect(operationTable.filter((o) => o.idempotent).map((o) => o.operationId).sort()).toEqual(
      ['createAgent', 'createSession', 'createSessionAnalysis', 'dialSession', 'endSession'],
    );
  });

  it('retry policy: keyed POSTs and reads retry; hangup only on refused connections', () => {
    const byId = Object.fromEntries(operationTable.map((o) => [o.operationId, retryPolicyFor(o.method, o.path)]));
    expect(byId.createSession).toEqual({ policy: 'retry', idempotent: true });
    expect(byId.hangupSession).toEqual({ policy: 'refused-only', idempotent: false });
    expect(byId.retrieveSession).toEqual({ policy: 'retry', idempotent: false });
    expect(byId.deleteAgent).toEqual({ policy: 'retry', idempotent: false });
  });
});

describe('keys and hosts: errors name the fix', () => {
  it('a key with whitespace or a Bearer prefix is told so by new Kallglot(), without echoing it', () => {
    for (const apiKey of [`${secretKey}\n`, ` ${secretKey}`, `${secretKey}\t`, `Bearer ${secretKey}`, `bearer ${secretKey}`]) {
      const e = configError(() => new Kallglot({ apiKey }));
      expect(e.message).toBe('Kallglot: apiKey is malformed (not shown): remove the "Bearer " prefix and surrounding whitespace');
    }
    expect(() => new Kallglot({ apiKey: secretKey })).not.toThrow();
  });

  it('a connection error names the host it tried and what to check', async () => {
    const baseUrl = await refusedPortUrl();
    const client = createKallglotClient({ apiKey: secretKey, baseUrl, maxRetries: 0 });
    const err = await client.GET('/v1/agents').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KallglotConnectionError);
    expect((err as KallglotConnectionError).host).toBe(baseUrl);
    expect((err as Error).message).toBe(`connection error ECONNREFUSED to ${baseUrl} (GET /v1/agents)`);
  });
});
