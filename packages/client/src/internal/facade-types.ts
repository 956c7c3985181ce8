// Types the generated resources (src/generated/resources.ts) are written in: every argument and result comes
// from `paths`, so a wrong parameter is a compile error and a result is never `undefined`.
import type { FetchResponse } from 'openapi-fetch';
import type { MediaType, Writable } from 'openapi-typescript-helpers';
import type { RecordingAudio } from '../client.js';
import type { paths } from '../generated/openapi.js';

export type { APIPromise } from './api-promise.js';
export type { PagePromise } from './page.js';

type Op<P extends keyof paths, M extends string> = paths[P][M & keyof paths[P]];

/** The JSON request body of an operation, without its read-only fields. */
export type Body<P extends keyof paths, M extends string> = Op<P, M> extends { requestBody?: infer RB }
  ? NonNullable<RB> extends { content: { 'application/json': infer B } }
    ? Writable<B>
    : never
  : never;

/** The query parameters of an operation. */
export type Query<P extends keyof paths, M extends string> = Op<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** The 2xx JSON answer of an operation, as the API returns it (write-only fields removed). */
export type Data<P extends keyof paths, M extends string> = NonNullable<FetchResponse<Extract<Op<P, M>, Record<string | number, any>>, {}, MediaType>['data']>;

/** The item type of a list route. */
export type Item<P extends keyof paths> = Data<P, 'get'> extends { data?: readonly (infer I)[] | null } ? I : never;

/** Per-request options, in Stainless's names. */
export interface RequestOptions {
  /** This call's timeout per attempt, in ms (including reading the body). `0` disables it. */
  timeout?: number;
  /** Retries after the first attempt. */
  maxRetries?: number;
  /** Cancels the call (and its retries). */
  signal?: AbortSignal | null;
  /** Sent as `Idempotency-Key` instead of the automatic UUID v4 (operations that honour keys). */
  idempotencyKey?: string;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
  /** Largest JSON body read for this call, in bytes. */
  maxResponseBytes?: number;
}

export interface DownloadOptions extends RequestOptions {
  /** `stream` (default): a `ReadableStream`; `arrayBuffer`: the whole file. */
  as?: 'stream' | 'arrayBuffer';
}

/** A download's bytes plus `contentType`, `filename`, `contentLength`, `response` and `meta`. */
export type Download<T> = RecordingAudio<T>;
