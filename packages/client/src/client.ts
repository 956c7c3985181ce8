import createClient, { createQuerySerializer, type Client, type FetchResponse, type MaybeOptionalInit, type Middleware } from 'openapi-fetch';
import type { HttpMethod, MediaType, PathsWithMethod, RequiredKeysOf, Writable } from 'openapi-typescript-helpers';
import { KallglotConfigError } from './errors.js';
import type { paths } from './generated/openapi.js';
import { VERSION } from './generated/version.js';
import { type BackoffSettings, DEFAULT_BACKOFF, type RetryPolicy } from './internal/retry.js';
import { type AnyResult, apiErrorFromResult, callFactory, check, type CoreMethod, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, isKeyed, nonNegative } from './internal/call.js';
import { LightRequest } from './internal/light-request.js';
import { Meta } from './internal/meta.js';
import { nextCursor } from './internal/cursor.js';
import { toDownload } from './internal/download.js';
import type { FetchLike, RetryInfo } from './internal/transport.js';
export type { FetchLike, RetryInfo };

export const DEFAULT_BASE_URL = 'https://api.kallglot.com';
export { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS };
export { VERSION };

export interface KallglotClientOptions {
  /** Organization API key, `sk_live_…` or `sk_test_…`. Checked here, never printed. */
  apiKey: string;
  /** Default `https://api.kallglot.com` (paths already start with `/v1`). */
  baseUrl?: string;
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number;
  /** Per attempt, including reading a JSON body. Default 60 000. `0` disables the timeout. */
  timeoutMs?: number;
  /** Transport with the signature of `globalThis.fetch`; usually called as `(url, init)`. */
  fetch?: FetchLike;
  /** Appended to the `User-Agent` / `X-Kallglot-Client` value, e.g. `my-app/2.1`. */
  userAgent?: string;
  /** Throw `KallglotApiError` instead of resolving to `{ error }`. Default false. */
  throwOnError?: boolean;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Called before each retry wait, e.g. to log `attempt`, `status` and `delayMs`. */
  onRetry?: (info: RetryInfo) => void;
  /**
   * Backoff tuning (defaults: 500 ms initial, 8 000 ms max, Retry-After honoured up to 60 000 ms, and at most
   * 60 000 ms of waiting per call, all retries together: `maxRetryWaitMs`).
   */
  retry?: Partial<BackoffSettings>;
  /**
   * Largest response body read for JSON (success and error answers), in bytes. Past it the read stops and the
   * call throws `KallglotResponseTooLargeError`. Default 8 MiB. `downloadRecordingAudio` is not limited.
   */
  maxResponseBytes?: number;
}

/** Per-call overrides, accepted next to `params`/`body` in every call. */
export interface RequestOverrides {
  maxRetries?: number;
  timeoutMs?: number;
  /** Used instead of the automatic UUID v4 on the idempotent POSTs (and sent on any other call if given). */
  idempotencyKey?: string;
  signal?: AbortSignal | null;
  /** This call's body limit, instead of the client's `maxResponseBytes`. */
  maxResponseBytes?: number;
}

/** Values read from the response headers of every call. */
export interface ResponseMeta {
  readonly requestId: string | undefined;
  readonly rateLimit: { limit: number | undefined; remaining: number | undefined; reset: number | undefined };
  readonly credits: { remaining: number | undefined; used: number | undefined };
  /** Attempts made for this call (1 = no retry). */
  readonly attempts: number;
  /** The Idempotency-Key that was sent, if any (identical on every attempt). */
  readonly idempotencyKey: string | undefined;
}

type InitParam<Init> = RequiredKeysOf<Init> extends never
  ? [(Init & { [key: string]: unknown })?]
  : [Init & { [key: string]: unknown }];

export type KallglotResult<R> = R extends unknown ? R & { meta: ResponseMeta } : never;

type OperationOf<T> = Extract<T, Record<string | number, any>>;
type JsonBodyOf<Op> = Op extends { requestBody?: infer RB }
  ? NonNullable<RB> extends { content: { 'application/json': infer B } }
    ? B
    : never
  : never;
/**
 * openapi-fetch infers `Init` generically, so TypeScript skips its excess-property check on `body`.
 * This puts it back for top-level body keys: a readOnly (`id`, `object`, `created_at`...) or unknown
 * field in a request body is a compile error, as the API refuses it.
 */
type StrictBody<Init, Op> = Init extends { body: infer B }
  ? [JsonBodyOf<Op>] extends [never]
    ? unknown
    : B extends readonly unknown[]
      ? unknown
      : B extends object
        ? { body: { [K in Exclude<keyof B, keyof Writable<JsonBodyOf<Op>>>]: never } }
        : unknown
  : unknown;
type MethodOf<Paths extends {}, M extends HttpMethod> = <
  Path extends PathsWithMethod<Paths, M>,
  Init extends MaybeOptionalInit<Paths[Path], M & keyof Paths[Path]> & RequestOverrides,
>(
  url: Path,
  ...init: InitParam<Init & StrictBody<Init, Paths[Path][M & keyof Paths[Path]]>>
) => Promise<KallglotResult<FetchResponse<OperationOf<Paths[Path][M & keyof Paths[Path]]>, Init, MediaType>>>;

/** `GET`/`POST`/`PATCH`/`DELETE`: openapi-fetch's signature plus `RequestOverrides`, and `meta` on the result. */
export type KallglotMethod<M extends HttpMethod> = MethodOf<paths, M>;

type GetPath = PathsWithMethod<paths, 'get'>;
type Page<P extends GetPath> = NonNullable<FetchResponse<OperationOf<paths[P]['get']>, {}, MediaType>['data']>;
/** GET routes whose body is a list envelope (`/v1/agents`, `/v1/sessions/{session_id}/recordings`). */
export type ListPath = { [P in GetPath]: Page<P> extends { data: readonly unknown[] } ? P : never }[GetPath];
export type ListItem<P extends ListPath> = Page<P> extends { data: readonly (infer I)[] } ? I : never;

export interface RecordingAudio<T> {
  /** The audio bytes (MP3), never JSON-parsed. */
  data: T;
  contentType: string | undefined;
  /** From `Content-Disposition`, e.g. `recording-sess_….mp3`. */
  filename: string | undefined;
  contentLength: number | undefined;
  response: Response;
  meta: ResponseMeta;
}

export interface KallglotClient {
  GET: KallglotMethod<'get'>;
  POST: KallglotMethod<'post'>;
  PATCH: KallglotMethod<'patch'>;
  DELETE: KallglotMethod<'delete'>;
  /** Register openapi-fetch middleware. */
  use(...middleware: Middleware[]): void;
  eject(...middleware: Middleware[]): void;
  /** Every item of a list route, following `next_cursor` / `starting_after` until `has_more` is false. */
  paginate<P extends ListPath, Init extends MaybeOptionalInit<paths[P], 'get' & keyof paths[P]> & RequestOverrides>(
    path: P,
    ...init: InitParam<Init>
  ): AsyncIterableIterator<ListItem<P>>;
  /** `GET /v1/recordings/{recording_id}/audio` as bytes. Throws `KallglotApiError` on a non-2xx answer. */
  downloadRecordingAudio(recordingId: string, options?: RequestOverrides & { as?: 'stream' }): Promise<RecordingAudio<ReadableStream<Uint8Array>>>;
  downloadRecordingAudio(recordingId: string, options: RequestOverrides & { as: 'arrayBuffer' }): Promise<RecordingAudio<ArrayBuffer>>;
  /** The underlying openapi-fetch client (no retries, no timeouts). */
  readonly raw: Client<paths, MediaType>;
  readonly baseUrl: string;
}

const KEY_PATTERN = /^sk_(live|test)_[\x21-\x7e]+$/;

/** Validates the key without ever echoing it (not even a prefix of it). */
export function assertApiKey(apiKey: unknown): asserts apiKey is string {
  if (typeof apiKey !== 'string' || !KEY_PATTERN.test(apiKey)) {
    throw new KallglotConfigError(`Kallglot: apiKey is ${apiKey ? 'malformed (not shown)' : 'required (KALLGLOT_API_KEY)'}: expected sk_live_… or sk_test_…`);
  }
}

function normalizeBaseUrl(baseUrl: string): string {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    /* reported below */
  }
  // No credentials (the key goes in a header only), no query or hash (href would differ), and no /v1:
  // request paths carry it.
  if (!url || !/^https?:$/.test(url.protocol) || url.href !== url.origin + url.pathname || /\/v1\/*$/.test(url.pathname)) {
    throw new KallglotConfigError('Kallglot: baseUrl must be an absolute http(s) URL without credentials, query or /v1');
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** Safe methods and keyed POSTs retry on anything transient; other POSTs (hangup) only on a refused connection. */
export function retryPolicyFor(method: string, schemaPath: string): { policy: RetryPolicy; idempotent: boolean } {
  const idempotent = isKeyed(method, schemaPath);
  return { policy: method !== 'POST' || idempotent ? 'retry' : 'refused-only', idempotent };
}

/** Reads request id, rate-limit and credit headers from any Response. */
export function readResponseMeta(response: Response): Omit<ResponseMeta, 'attempts' | 'idempotencyKey'> {
  const { requestId, rateLimit, credits } = new Meta(response.headers, 1);
  return { requestId, rateLimit, credits };
}

type DataOf<R> = R extends { data: infer D; error?: never } ? D : never;

/** Turns an `{ error }` result into a thrown `KallglotApiError`; returns `data` otherwise. */
export async function unwrap<R extends AnyResult>(result: R | Promise<R>): Promise<DataOf<R>> {
  return check(await result).data as DataOf<R>;
}

export { apiErrorFromResult };

/**
 * Creates the typed client: openapi-fetch's `GET`/`POST`/`PATCH`/`DELETE` plus auth, retries with backoff,
 * idempotency keys, timeouts, typed errors, pagination and the recording download.
 */
export function createKallglotClient(options: KallglotClientOptions): KallglotClient {
  const { apiKey, userAgent } = options ?? {};
  assertApiKey(apiKey);
  const baseUrl = normalizeBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  if (baseUrl.includes(apiKey)) throw new KallglotConfigError('Kallglot: baseUrl must not contain the API key');
  const backoff = { ...DEFAULT_BACKOFF };
  for (const k in backoff) {
    const key = k as keyof BackoffSettings;
    backoff[key] = nonNegative(`retry.${key}`, options.retry?.[key], backoff[key]);
  }
  const clientId = `kallglot-client-js/${VERSION}${userAgent ? ` ${userAgent}` : ''}`;
  const core = createClient<paths, MediaType>({
    baseUrl,
    Request: LightRequest as unknown as typeof Request,
    // Built once here; openapi-fetch would otherwise build a serializer on every call.
    querySerializer: createQuerySerializer(),
    headers: { ...options.headers, Authorization: `Bearer ${apiKey}`, Accept: 'application/json', 'User-Agent': clientId, 'X-Kallglot-Client': clientId },
  });
  const makeCall = callFactory(options, baseUrl, backoff);
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE') => makeCall(core[method] as CoreMethod, method);

  const GET = call('GET');
  const client = {
    GET,
    POST: call('POST'),
    PATCH: call('PATCH'),
    DELETE: call('DELETE'),
    use: core.use,
    eject: core.eject,
    raw: core,
    baseUrl,
    async *paginate(path: string, init?: Record<string, unknown> & { params?: { query?: Record<string, unknown> } }) {
      let query: Record<string, unknown> = { ...init?.params?.query };
      const seen = new Set<string>();
      for (;;) {
        const page = check(await GET(path, { ...init, params: { ...init?.params, query } })).data as
          | { data?: unknown[]; has_more?: boolean; next_cursor?: string | null }
          | undefined;
        const items = Array.isArray(page?.data) ? page.data : [];
        yield* items;
        const cursor = nextCursor(page, items, seen, path);
        if (!cursor) return;
        query = { ...query, starting_after: cursor };
      }
    },
    async downloadRecordingAudio(recordingId: string, { as = 'stream', ...overrides }: RequestOverrides & { as?: 'stream' | 'arrayBuffer' } = {}) {
      if (!recordingId || typeof recordingId !== 'string') throw new TypeError('recordingId must be a non-empty string');
      const result = check(
        await GET('/v1/recordings/{recording_id}/audio', {
          ...overrides,
          params: { path: { recording_id: recordingId } },
          parseAs: as,
          headers: { Accept: 'audio/mpeg, application/json' },
        }),
      );
      return toDownload(result);
    },
  };
  return client as unknown as KallglotClient;
}
