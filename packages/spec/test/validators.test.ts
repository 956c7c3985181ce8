// The shared Ajv 2020 helper: validators compiled from the bundled documents, cached, and not vacuous.
import { describe, expect, it } from 'vitest';
import { compileAsyncApi, compileOpenApi, loadBundled } from '@kallglot/spec/validators';

const examples = (loadBundled('openapi.json') as any).components.examples as Record<string, { value: any }>;

describe('@kallglot/spec/validators', () => {
  it('validates response bodies by operationId and status, and rejects a broken one', () => {
    const oa = compileOpenApi();
    const v = oa.response('retrieveSession', 200);
    const session = Object.values(examples).map((e) => e.value).find((x) => x?.object === 'session' && x.stream);
    expect(session, 'a session example').toBeTruthy();
    expect(v(session), JSON.stringify(v.errors)).toBe(true);
    expect(v({ ...session, created_at: 12 })).toBe(false);
    expect(v.errors?.[0]?.instancePath).toBe('/created_at');
    // Errors of every operation share the documented envelope, also through a 4XX/default fallback.
    const err = oa.response('retrieveSession', 404);
    expect(err({ error: { type: 'x' } })).toBe(false);
    expect(() => oa.response('retrieveSession', 200, 'text/html')).toThrow(/no text\/html content/);
    expect(() => oa.response('noSuchOperation', 200)).toThrow(/unknown operationId/);
  });

  it('caches per document and per pointer', () => {
    const a = compileOpenApi();
    expect(compileOpenApi()).toBe(a);
    expect(a.response('listAgents', 200)).toBe(a.response('listAgents', 200));
    expect(a.schema('Error')).toBe(a.schema('#/components/schemas/Error'));
    // Another document object gets its own Ajv instance.
    expect(compileOpenApi(loadBundled('openapi.json'))).not.toBe(a);
  });

  it('validates request bodies and webhook payloads', () => {
    const oa = compileOpenApi();
    const req = oa.request('createSession');
    expect(req({})).toBe(false);
    expect(oa.webhooks.size).toBeGreaterThan(5);
    const created = examples.WebhookSessionCreatedEvent!.value;
    const wh = oa.webhook('session.created');
    expect(wh(created), JSON.stringify(wh.errors)).toBe(true);
    expect(wh({ ...created, created_at: 1 })).toBe(false);
    expect(() => oa.webhook('no.such.event')).toThrow(/unknown webhook/);
  });

  it('validates stream messages by type and direction', () => {
    const aa = compileAsyncApi();
    const pong = aa.message('pong', 'server')!;
    expect(pong).toBeTypeOf('function');
    expect(aa.message('pong', 'client')).toBeUndefined();
    expect(aa.message('ping', 'client')!({ type: 'ping' })).toBe(true);
    expect(aa.message('audio.input', 'client')!({ type: 'audio.input' })).toBe(false);
    expect(aa.message('control')).toBeUndefined();
    expect([...aa.messages.values()].filter((m) => m.directions.has('server')).map((m) => m.type).sort()).toEqual(
      ['pong', 'session.ended', 'session.error', 'session.ready', 'transcript.final', 'transcript.partial'],
    );
  });
});
