// Webhook signatures: `Kallglot-Signature: t=<unix>,v1=<hex hmac-sha256("{t}.{raw body}")>`.
// Web Crypto only (globalThis.crypto.subtle), so this file runs unchanged in Node >= 20 and browsers.
import { KallglotError } from './errors.js';
import type { WebhookEvent } from './types.js';

export type WebhookPayload = string | Uint8Array | ArrayBuffer;

export type WebhookVerificationReason =
  | 'missing_header'
  | 'invalid_header'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'signature_mismatch'
  | 'invalid_payload';

export class WebhookVerificationError extends KallglotError {
  override name = 'WebhookVerificationError';
  readonly reason: WebhookVerificationReason;
  constructor(reason: WebhookVerificationReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

export const SIGNATURE_HEADER = 'Kallglot-Signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export interface SignWebhookOptions {
  /** The exact bytes that will be sent as the body. */
  payload: WebhookPayload;
  secret: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
}

export interface VerifyWebhookOptions {
  /**
   * The RAW request body, exactly as received (string or bytes). Never a re-serialized
   * `JSON.stringify(req.body)`: key order and whitespace change and the signature will not match.
   */
  payload: WebhookPayload;
  /** The `Kallglot-Signature` header value (an array, as Node gives repeated headers, is accepted). */
  header: string | readonly string[] | null | undefined;
  secret: string;
  /** Allowed clock difference in seconds, both directions. Default 300. `0` means the timestamp must equal `now`. */
  toleranceSeconds?: number;
  /** Current time: a Date or Unix seconds. Defaults to the system clock. */
  now?: Date | number;
}

const encoder = new TextEncoder();

/** Produces a valid `Kallglot-Signature` header value for `payload` (for tests and webhook senders). */
export async function signWebhook({ payload, secret, timestamp }: SignWebhookOptions): Promise<string> {
  assertSecret(secret);
  const t = timestamp ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(t) || t < 0) throw new TypeError('signWebhook: timestamp must be a non-negative integer (Unix seconds)');
  const mac = await hmac(secret, t, toBytes(payload, 'signWebhook'));
  return `t=${t},v1=${toHex(mac)}`;
}

export interface WebhookDeliveryHeadersOptions {
  /** The exact bytes that will be sent as the body. */
  payload: WebhookPayload;
  secret: string;
  /** `Kallglot-Webhook-Id`: the delivery id (`wh_del_…`), the same on every retry of one delivery. */
  deliveryId: string;
  /** `Kallglot-Retry-Count`: 0 on the first attempt. */
  retryCount?: number;
  /** `Kallglot-Original-Timestamp`: Unix seconds of the first attempt, the same on every retry. */
  originalTimestamp: number;
  /** Unix seconds the signature carries; defaults to now. */
  timestamp?: number;
}

/**
 * Every header of one webhook delivery attempt, as the API sends them: `Content-Type`, `Kallglot-Signature`,
 * `Kallglot-Webhook-Id`, `Kallglot-Retry-Count` and `Kallglot-Original-Timestamp`. For webhook senders and tests;
 * the one definition the sandbox and the contract tool use.
 */
export async function webhookDeliveryHeaders(o: WebhookDeliveryHeadersOptions): Promise<Record<string, string>> {
  const retryCount = o.retryCount ?? 0;
  if (!Number.isSafeInteger(retryCount) || retryCount < 0) throw new TypeError('webhookDeliveryHeaders: retryCount must be a non-negative integer');
  if (!Number.isSafeInteger(o.originalTimestamp) || o.originalTimestamp < 0) throw new TypeError('webhookDeliveryHeaders: originalTimestamp must be Unix seconds');
  return {
    'Content-Type': 'application/json',
    [SIGNATURE_HEADER]: await signWebhook({ payload: o.payload, secret: o.secret, timestamp: o.timestamp }),
    'Kallglot-Webhook-Id': o.deliveryId,
    'Kallglot-Retry-Count': String(retryCount),
    'Kallglot-Original-Timestamp': String(o.originalTimestamp),
  };
}

/**
 * Checks the signature and the timestamp of a webhook delivery, then parses the body.
 * Resolves to the typed event, or rejects with a `WebhookVerificationError` whose `reason` says why.
 */
export async function verifyWebhook(options: VerifyWebhookOptions): Promise<WebhookEvent> {
  const { payload, header, secret, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now } = options;
  assertSecret(secret);
  if (typeof toleranceSeconds !== 'number' || !Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new TypeError('verifyWebhook: toleranceSeconds must be a finite number >= 0');
  }
  const body = toBytes(payload, 'verifyWebhook');
  const raw = Array.isArray(header) ? header.join(',') : (header as string | null | undefined);
  if (raw == null || (typeof raw === 'string' && raw.trim() === '')) {
    throw new WebhookVerificationError('missing_header', `missing ${SIGNATURE_HEADER} header`);
  }
  if (typeof raw !== 'string') throw new WebhookVerificationError('invalid_header', `${SIGNATURE_HEADER} header must be a string`);
  const { timestamp, signatures } = parseSignatureHeader(raw);

  const nowSeconds = now === undefined ? Date.now() / 1000 : now instanceof Date ? now.getTime() / 1000 : now;
  if (typeof nowSeconds !== 'number' || !Number.isFinite(nowSeconds)) throw new TypeError('verifyWebhook: now must be a Date or Unix seconds');
  const age = Math.floor(nowSeconds) - timestamp;
  if (age > toleranceSeconds) {
    throw new WebhookVerificationError('timestamp_too_old', `signature timestamp is ${age} s old (tolerance ${toleranceSeconds} s)`);
  }
  if (-age > toleranceSeconds) {
    throw new WebhookVerificationError('timestamp_in_future', `signature timestamp is ${-age} s in the future (tolerance ${toleranceSeconds} s)`);
  }

  const expected = await hmac(secret, timestamp, body);
  // Check every v1 entry without stopping early (secret rotation sends several).
  let match = false;
  for (const sig of signatures) match = timingSafeEqual(expected, sig) || match;
  if (!match) throw new WebhookVerificationError('signature_mismatch', 'no v1 signature matches the payload and secret');

  let event: unknown;
  try {
    event = JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(body));
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'signed payload is not valid JSON');
  }
  if (!event || typeof event !== 'object' || typeof (event as { type?: unknown }).type !== 'string') {
    throw new WebhookVerificationError('invalid_payload', 'signed payload is not a webhook event (no string "type")');
  }
  return event as WebhookEvent;
}

/** Parses `t=<unix>,v1=<hex>[,v1=<hex>...]`; unknown keys (future schemes) are ignored. */
export function parseSignatureHeader(header: string): { timestamp: number; signatures: Uint8Array[] } {
  let timestamp: number | undefined;
  const signatures: Uint8Array[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new WebhookVerificationError('invalid_header', `malformed ${SIGNATURE_HEADER} header`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined || !/^\d{1,15}$/.test(value)) {
        throw new WebhookVerificationError('invalid_header', `malformed timestamp in ${SIGNATURE_HEADER} header`);
      }
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-fA-F]{64}$/.test(value)) {
        throw new WebhookVerificationError('invalid_header', `malformed v1 signature in ${SIGNATURE_HEADER} header`);
      }
      signatures.push(fromHex(value));
    }
  }
  if (timestamp === undefined) throw new WebhookVerificationError('invalid_header', `${SIGNATURE_HEADER} header has no t=`);
  if (signatures.length === 0) throw new WebhookVerificationError('invalid_header', `${SIGNATURE_HEADER} header has no v1=`);
  return { timestamp, signatures };
}

/** Constant-time for equal lengths (the length of an HMAC-SHA256 is public). */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

async function hmac(secret: string, timestamp: number, body: Uint8Array): Promise<Uint8Array> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new KallglotError('Web Crypto (crypto.subtle) is not available in this runtime');
  const key = await subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const prefix = encoder.encode(`${timestamp}.`);
  const data = new Uint8Array(prefix.length + body.length);
  data.set(prefix, 0);
  data.set(body, prefix.length);
  return new Uint8Array(await subtle.sign('HMAC', key, data));
}

function toBytes(payload: WebhookPayload, fn: string): Uint8Array {
  if (typeof payload === 'string') return encoder.encode(payload);
  if (payload instanceof Uint8Array) return payload;
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  throw new TypeError(
    `${fn}: payload must be the raw body as a string, Uint8Array or ArrayBuffer (not a parsed object: re-serialized JSON does not match the signature)`,
  );
}

function assertSecret(secret: unknown): asserts secret is string {
  if (typeof secret !== 'string' || secret.length === 0) throw new TypeError('webhook secret must be a non-empty string');
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
