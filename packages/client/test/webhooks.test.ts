import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook, WebhookVerificationError } from '../src/index.js';
import { parseSignatureHeader, timingSafeEqual } from '../src/webhooks.js';

const secret = 'whsec_test_5f2b9c';
const t = 1_710_072_360;
const body = JSON.stringify({
  id: 'evt_01HXYZ123456789',
  object: 'webhook_event',
  type: 'session.ended',
  api_version: 'v1',
  created_at: '2026-03-26T11:00:00Z',
  data: { id: 'sess_01HXYZ123456789', object: 'session', status: 'ended' },
});

// Independent reference implementation (node:crypto) so the test does not only check sign against verify.
const reference = (payload: string, ts: number, key = secret) => createHmac('sha256', key).update(`${ts}.${payload}`).digest('hex');

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(WebhookVerificationError);
    return (e as WebhookVerificationError).reason;
  }
  throw new Error('expected verification to fail');
}

describe('signWebhook', () => {
  it('produces t=<unix>,v1=<hex hmac-sha256("{t}.{body}")> matching node:crypto', async () => {
    const header = await signWebhook({ payload: body, secret, timestamp: t });
    expect(header).toBe(`t=${t},v1=${reference(body, t)}`);
  });

  it('defaults the timestamp to now and signs bytes like the equal string', async () => {
    const before = Math.floor(Date.now() / 1000);
    const header = await signWebhook({ payload: new TextEncoder().encode(body), secret });
    const { timestamp } = parseSignatureHeader(header);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(header).toBe(`t=${timestamp},v1=${reference(body, timestamp)}`);
  });

  it('rejects a parsed object payload with a clear message', async () => {
    await expect(signWebhook({ payload: JSON.parse(body), secret })).rejects.toThrow(/raw body/);
  });
});

describe('verifyWebhook vectors', () => {
  const header = `t=${t},v1=${reference(body, t)}`;

  it('valid: returns the typed event', async () => {
    const event = await verifyWebhook({ payload: body, header, secret, now: t + 10 });
    expect(event.type).toBe('session.ended');
    expect(event.id).toBe('evt_01HXYZ123456789');
  });

  it('valid: accepts bytes (Uint8Array, Buffer, ArrayBuffer) and Date for now', async () => {
    const bytes = new TextEncoder().encode(body);
    await expect(verifyWebhook({ payload: bytes, header, secret, now: t })).resolves.toMatchObject({ type: 'session.ended' });
    await expect(verifyWebhook({ payload: Buffer.from(body), header, secret, now: t })).resolves.toBeTruthy();
    await expect(verifyWebhook({ payload: bytes.buffer.slice(0), header, secret, now: new Date(t * 1000) })).resolves.toBeTruthy();
  });

  it('tampered body', async () => {
    expect(await reason(verifyWebhook({ payload: body.replace('ended', 'endex'), header, secret, now: t }))).toBe('signature_mismatch');
  });

  it('re-serialized JSON body does not verify (whitespace differs)', async () => {
    const reserialized = JSON.stringify(JSON.parse(body), null, 2);
    expect(await reason(verifyWebhook({ payload: reserialized, header, secret, now: t }))).toBe('signature_mismatch');
  });

  it('wrong secret', async () => {
    expect(await reason(verifyWebhook({ payload: body, header, secret: 'whsec_other', now: t }))).toBe('signature_mismatch');
  });

  it('stale timestamp (older than the 300 s default tolerance)', async () => {
    expect(await reason(verifyWebhook({ payload: body, header, secret, now: t + 301 }))).toBe('timestamp_too_old');
    await expect(verifyWebhook({ payload: body, header, secret, now: t + 300 })).resolves.toBeTruthy();
  });

  it('future timestamp', async () => {
    expect(await reason(verifyWebhook({ payload: body, header, secret, now: t - 301 }))).toBe('timestamp_in_future');
  });

  it('garbled headers', async () => {
    for (const bad of ['garbage', 't=abc,v1=' + 'a'.repeat(64), `t=${t}`, `v1=${reference(body, t)}`, `t=${t},v1=xyz`, `t=${t},v1=${'a'.repeat(63)}`, `=${t}`, `t=${t},t=${t},v1=${reference(body, t)}`]) {
      expect(await reason(verifyWebhook({ payload: body, header: bad, secret, now: t }))).toBe('invalid_header');
    }
  });

  it('missing header', async () => {
    expect(await reason(verifyWebhook({ payload: body, header: undefined, secret, now: t }))).toBe('missing_header');
    expect(await reason(verifyWebhook({ payload: body, header: '', secret, now: t }))).toBe('missing_header');
    expect(await reason(verifyWebhook({ payload: body, header: null, secret, now: t }))).toBe('missing_header');
  });

  it('two v1 entries: accepted when either matches (secret rotation), in any order', async () => {
    const good = reference(body, t);
    const old = reference(body, t, 'whsec_previous');
    await expect(verifyWebhook({ payload: body, header: `t=${t},v1=${old},v1=${good}`, secret, now: t })).resolves.toBeTruthy();
    await expect(verifyWebhook({ payload: body, header: `t=${t},v1=${good},v1=${old}`, secret, now: t })).resolves.toBeTruthy();
    await expect(verifyWebhook({ payload: body, header: [`t=${t},v1=${old}`, `v1=${good}`], secret, now: t })).resolves.toBeTruthy();
    expect(await reason(verifyWebhook({ payload: body, header: `t=${t},v1=${old},v1=${old}`, secret, now: t }))).toBe('signature_mismatch');
  });

  it('unknown schemes (v0) are ignored, spaces after commas tolerated', async () => {
    await expect(verifyWebhook({ payload: body, header: `t=${t}, v0=deadbeef, v1=${reference(body, t)}`, secret, now: t })).resolves.toBeTruthy();
  });

  it('toleranceSeconds: 0 means exact, never "skip the check"', async () => {
    await expect(verifyWebhook({ payload: body, header, secret, now: t, toleranceSeconds: 0 })).resolves.toBeTruthy();
    expect(await reason(verifyWebhook({ payload: body, header, secret, now: t + 1, toleranceSeconds: 0 }))).toBe('timestamp_too_old');
    expect(await reason(verifyWebhook({ payload: body, header, secret, now: t - 1, toleranceSeconds: 0 }))).toBe('timestamp_in_future');
    expect(await reason(verifyWebhook({ payload: body, header, secret, now: t + 100_000, toleranceSeconds: 0 }))).toBe('timestamp_too_old');
  });

  it('the timestamp is part of what is signed (replaying with a new t fails)', async () => {
    const replay = `t=${t + 1000},v1=${reference(body, t)}`;
    expect(await reason(verifyWebhook({ payload: body, header: replay, secret, now: t + 1000 }))).toBe('signature_mismatch');
  });

  it('rejects bad options clearly', async () => {
    await expect(verifyWebhook({ payload: body, header, secret, now: t, toleranceSeconds: -1 })).rejects.toThrow(/toleranceSeconds/);
    await expect(verifyWebhook({ payload: body, header, secret, now: t, toleranceSeconds: Number.NaN })).rejects.toThrow(/toleranceSeconds/);
    await expect(verifyWebhook({ payload: body, header, secret: '', now: t })).rejects.toThrow(/secret/);
    await expect(verifyWebhook({ payload: JSON.parse(body), header, secret, now: t })).rejects.toThrow(/re-serialized/);
  });

  it('a signed non-JSON body is invalid_payload, after the signature check', async () => {
    const h = `t=${t},v1=${reference('not json', t)}`;
    expect(await reason(verifyWebhook({ payload: 'not json', header: h, secret, now: t }))).toBe('invalid_payload');
  });
});

describe('timingSafeEqual', () => {
  it('compares bytes without early exit semantics leaking into results', () => {
    const a = new Uint8Array([1, 2, 3, 4]);
    expect(timingSafeEqual(a, new Uint8Array([1, 2, 3, 4]))).toBe(true);
    expect(timingSafeEqual(a, new Uint8Array([1, 2, 3, 5]))).toBe(false);
    expect(timingSafeEqual(a, new Uint8Array([9, 2, 3, 4]))).toBe(false);
    expect(timingSafeEqual(a, new Uint8Array([1, 2, 3]))).toBe(false);
  });
});
