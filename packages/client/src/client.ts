import createClient, { type Client, type FetchResponse, type MaybeOptionalInit, type Middleware } from 'openapi-fetch';
import type { HttpMethod, MediaType, PathsWithMethod, RequiredKeysOf, Writable } from 'openapi-typescript-helpers';
import { KallglotApiError, KallglotConfigError, KallglotError, KallglotTimeoutError } from './errors.js';
import type { paths } from './generated/openapi.js';
import { idempotentOperations } from './generated/idempotent.js';
import { VERSION } from './generated/version.js';
import { type BackoffSettings, DEFAULT_BACKOFF, type RetryPolicy } from './internal/retry.js';
import { LightRequest } from './internal/light-request.js';
import { type CallContext, type FetchLike, type RetryInfo, send } from './internal/transport.js';
export type { FetchLike, RetryInfo };

export const DEFAULT_BASE_URL = 'https://api.kallglot.com';
export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_TIMEOUT_MS = 60_000;
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
  /** Backoff tuning (defaults: 500 ms initial, 8 000 ms max, Retry-After honoured up to 60 000 ms). */
  retry?: Partial<BackoffSettings>;
}

/** Per-call overrides, accepted next to `params`/`body` in every call. */
export interface RequestOverrides {
  maxRetries?: number;
  timeoutMs?: number;
  /** Used instead of the automatic UUID v4 on the idempotent POSTs (and sent on any other call if given). */
  idempotencyKey?: string;
  signal?: AbortSignal | null;
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
    throw new KallglotConfigError(
      apiKey
        ? 'Kallglot: apiKey is malformed: expected sk_live_… or sk_test_… without spaces (the value is not shown)'
        : 'Kallglot: apiKey is required: an organization key sk_live_… or sk_test_…',
    );
  }
}

function normalizeBaseUrl(baseUrl: string): string {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    /* reported below */
  }
  const path = url?.pathname.replace(/\/+$/, '') ?? '';
  // No credentials (the key goes in a header only), no query, and no /v1: request paths carry it.
  if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash || /\/v1$/.test(path)) {
    throw new KallglotConfigError('Kallglot: baseUrl must be an absolute http(s) URL without credentials, query or /v1 suffix, e.g. https://api.kallglot.com');
  }
  return url.origin + path;
}

function nonNegativeInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new KallglotConfigError(`Kallglot: ${name} must be a finite number >= 0`);
  }
  return value;
}

// Web Crypto's randomUUID: Node >= 19 and every browser in a secure context.
const uuidv4 = (): string => globalThis.crypto.randomUUID();

const idempotentOps = new Set(idempotentOperations);
const RETRY = { policy: 'retry', idempotent: false } as const;
const KEYED = { policy: 'retry', idempotent: true } as const;
const REFUSED_ONLY = { policy: 'refused-only', idempotent: false } as const;

/** Safe methods and keyed POSTs retry on anything transient; other POSTs (hangup) only on a refused connection. */
export function retryPolicyFor(method: string, schemaPath: string): { policy: RetryPolicy; idempotent: boolean } {
  if (method !== 'POST') return RETRY;
  return idempotentOps.has(`POST ${schemaPath}`) ? KEYED : REFUSED_ONLY;
}

class Meta implements ResponseMeta {
  declare private readonly h: Headers;
  declare readonly attempts: number;
  declare readonly idempotencyKey: string | undefined;
  declare private readonly b: unknown;
  constructor(h: Headers, attempts: number, idempotencyKey: string | undefined, b: unknown) {
    this.h = h;
    this.attempts = attempts;
    this.idempotencyKey = idempotencyKey;
    this.b = b;
  }
  get requestId(): string | undefined {
    const fromBody = (this.b as { error?: { request_id?: unknown } } | undefined)?.error?.request_id;
    return typeof fromBody === 'string' ? fromBody : (this.h.get('x-request-id') ?? undefined);
  }
  get rateLimit() {
    const h = this.h;
    return { limit: num(h, 'x-ratelimit-limit'), remaining: num(h, 'x-ratelimit-remaining'), reset: num(h, 'x-ratelimit-reset') };
  }
  get credits() {
    return { remaining: num(this.h, 'x-api-credits-remaining'), used: num(this.h, 'x-api-credits-used') };
  }
}

function num(h: Headers, name: string): number | undefined {
  const v = h.get(name);
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Reads request id, rate-limit and credit headers from any Response. */
export function readResponseMeta(response: Response): Omit<ResponseMeta, 'attempts' | 'idempotencyKey'> {
  const m = new Meta(response.headers, 1, undefined, undefined);
  return { requestId: m.requestId, rateLimit: m.rateLimit, credits: m.credits };
}

type AnyResult = { data?: unknown; error?: unknown; response: Response; meta?: ResponseMeta };
type DataOf<R> = R extends { data: infer D; error?: never } ? D : never;

/** Turns an `{ error }` result into a thrown `KallglotApiError`; returns `data` otherwise. */
export async function unwrap<R extends AnyResult>(result: R | Promise<R>): Promise<DataOf<R>> {
  const r = await result;
  if (r.error !== undefined || !r.response.ok) throw apiErrorFromResult(r);
  return r.data as DataOf<R>;
}

export function apiErrorFromResult(r: AnyResult): KallglotApiError {
  return new KallglotApiError({ status: r.response.status, body: r.error, headers: r.response.headers });
}

function parseFilename(disposition: string | null): string | undefined {
  const m = disposition && /filename\*?=(?:UTF-8'')?"?([^";]+)/i.exec(disposition);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!.trim());
  } catch {
    return m[1]!.trim();
  }
}

/**
 * Creates the typed client: openapi-fetch's `GET`/`POST`/`PATCH`/`DELETE` plus auth, retries with backoff,
 * idempotency keys, timeouts, typed errors, pagination and the recording download.
 */
export function createKallglotClient(options: KallglotClientOptions): KallglotClient {
  assertApiKey(options?.apiKey);
  const baseUrl = normalizeBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  if (baseUrl.includes(options.apiKey)) throw new KallglotConfigError('Kallglot: baseUrl must not contain the API key');
  const maxRetries = nonNegativeInt('maxRetries', options.maxRetries, DEFAULT_MAX_RETRIES);
  const timeoutMs = nonNegativeInt('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS);
  const backoff = { ...DEFAULT_BACKOFF };
  for (const k in backoff) {
    const key = k as keyof BackoffSettings;
    backoff[key] = nonNegativeInt(`retry.${key}`, options.retry?.[key], backoff[key]);
  }
  const baseFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const throwOnError = options.throwOnError === true;
  const clientId = `kallglot-client-js/${VERSION}${options.userAgent ? ` ${options.userAgent}` : ''}`;

  const core = createClient<paths, MediaType>({
    baseUrl,
    Request: LightRequest as unknown as typeof Request,
    headers: {
      ...options.headers,
      Authorization: `Bearer ${options.apiKey}`,
      Accept: 'application/json',
      'User-Agent': clientId,
      'X-Kallglot-Client': clientId,
    },
  });

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE') => {
    const coreMethod = core[method] as (url: string, init: Record<string, unknown>) => Promise<AnyResult>;
    return async (path: string, init?: Record<string, unknown> & RequestOverrides) => {
      const { maxRetries: mr, timeoutMs: tm, idempotencyKey, fetch: perCallFetch, parseAs } = init ?? {};
      const { policy, idempotent } = retryPolicyFor(method, path);
      const ctx: CallContext = {
        method,
        where: `${method} ${path}`,
        policy,
        maxRetries: mr === undefined ? maxRetries : nonNegativeInt('maxRetries', mr, maxRetries),
        timeoutMs: tm === undefined ? timeoutMs : nonNegativeInt('timeoutMs', tm, timeoutMs),
        idempotencyKey: idempotencyKey ?? (idempotent ? uuidv4() : undefined),
        backoff,
        fetch: (perCallFetch as FetchLike | undefined) ?? baseFetch,
        attempts: 0,
        timedOut: false,
        url: '',
        release: undefined,
        streaming: parseAs === 'stream',
        onRetry: options.onRetry,
      };
      try {
        // Our own keys stay in init: openapi-fetch ignores them (it only copies unknown keys onto the request).
        const result = await coreMethod(path, { ...init, fetch: (req: Request | LightRequest) => send(req, ctx) });
        if (throwOnError && (result.error !== undefined || !result.response.ok)) {
          throw new KallglotApiError({ status: result.response.status, body: result.error, headers: result.response.headers, where: ctx.where });
        }
        (result as AnyResult & { meta: ResponseMeta }).meta = new Meta(result.response.headers, ctx.attempts, ctx.idempotencyKey, result.error);
        return result;
      } catch (err) {
        // A timeout that fires while openapi-fetch reads the body surfaces as an abort; name it.
        if (ctx.timedOut && !(err instanceof KallglotError)) throw new KallglotTimeoutError(ctx.timeoutMs, ctx.where);
        throw err;
      } finally {
        ctx.release?.();
      }
    };
  };

  const GET = call('GET');
  const client = {
    GET,
    POST: call('POST'),
    PATCH: call('PATCH'),
    DELETE: call('DELETE'),
    use: (...m: Middleware[]) => core.use(...m),
    eject: (...m: Middleware[]) => core.eject(...m),
    raw: core,
    baseUrl,
    async *paginate(path: string, init?: Record<string, unknown> & { params?: { query?: Record<string, unknown> } }) {
      let query: Record<string, unknown> = { ...init?.params?.query };
      const seen = new Set<string>();
      for (;;) {
        const result = await GET(path, { ...init, params: { ...init?.params, query } });
        if (result.error !== undefined || !result.response.ok) throw apiErrorFromResult(result);
        const page = result.data as { data?: unknown[]; has_more?: boolean; next_cursor?: string | null } | undefined;
        const items = Array.isArray(page?.data) ? page.data : [];
        for (const item of items) yield item;
        if (page?.has_more !== true) return;
        // Some pages omit next_cursor: continue after the last item's id.
        const last = items[items.length - 1] as { id?: unknown } | undefined;
        const cursor = page.next_cursor ?? (typeof last?.id === 'string' ? last.id : undefined);
        if (!cursor) return;
        if (seen.has(cursor)) throw new KallglotError(`paginate ${path}: the cursor did not advance`);
        seen.add(cursor);
        query = { ...query, starting_after: cursor };
      }
    },
    async downloadRecordingAudio(recordingId: string, opts: RequestOverrides & { as?: 'stream' | 'arrayBuffer' } = {}) {
      if (!recordingId || typeof recordingId !== 'string') throw new TypeError('recordingId must be a non-empty string');
      const { as = 'stream', ...overrides } = opts;
      const result = await GET('/v1/recordings/{recording_id}/audio' as never, {
        ...overrides,
        params: { path: { recording_id: recordingId } },
        parseAs: as,
        headers: { Accept: 'audio/mpeg, application/json' },
      } as never);
      if (result.error !== undefined || !result.response.ok) throw apiErrorFromResult(result);
      const h = result.response.headers;
      const len = h.get('content-length');
      return {
        data: result.data,
        contentType: h.get('content-type') ?? undefined,
        filename: parseFilename(h.get('content-disposition')),
        contentLength: len === null ? undefined : Number(len),
        response: result.response,
        meta: result.meta,
      };
    },
  };
  return client as unknown as KallglotClient;
}
