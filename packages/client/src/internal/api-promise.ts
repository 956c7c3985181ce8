// The result of every facade call: awaits to the object, or `.withResponse()` for the HTTP details.
import type { ResponseMeta } from '../client.js';

/** What the request pipeline resolves to (after a non-2xx answer was thrown as `KallglotApiError`). */
export interface RawResult<T> {
  data: T;
  response: Response;
  meta: ResponseMeta;
}

export interface WithResponse<T> {
  data: T;
  response: Response;
  /** `X-Request-ID` of the answer: quote it to support. */
  requestId: string | undefined;
}

/** A `PromiseLike` of the object; the request starts at once. */
export class APIPromise<T> implements PromiseLike<T> {
  declare protected readonly raw: Promise<RawResult<T>>;
  constructor(raw: Promise<RawResult<T>>) {
    this.raw = raw;
  }

  then<A = T, B = never>(onfulfilled?: ((value: T) => A | PromiseLike<A>) | null, onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.raw.then((r) => (onfulfilled ? onfulfilled(r.data) : (r.data as unknown as A)), onrejected);
  }

  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onfinally);
  }

  /** `{ data, response, requestId }`: the object plus the HTTP answer it came from. */
  withResponse(): Promise<WithResponse<T>> {
    return this.raw.then((r) => ({ data: r.data, response: r.response, requestId: r.meta.requestId }));
  }
}
