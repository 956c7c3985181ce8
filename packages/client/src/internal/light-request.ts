// A minimal stand-in for `Request`, passed to openapi-fetch through its documented `Request` option.
// Why: in Node, undici builds a Request in ~10 µs and `fetch(request)` builds a second one from it, which
// made every call ~30 % slower than `fetch(url, init)` on loopback. The transport sends a LightRequest as
// `fetch(url, init)`, so exactly one real Request is made, as with raw fetch. Middleware still sees
// `url`, `method`, mutable `headers`, `body`, `signal`, `clone()` and `text()`; a middleware that
// returns a real `new Request(...)` keeps working (the transport accepts both).

const BRAND = Symbol.for('kallglot.lightRequest');

export class LightRequest {
  declare readonly url: string;
  declare readonly method: string;
  declare readonly headers: Headers;
  /** Re-sendable body (openapi-fetch serializes JSON to a string). */
  declare readonly body: BodyInit | null;
  declare readonly signal: AbortSignal | null;
  /** The remaining RequestInit fields (redirect, credentials, cache, keepalive...). */
  declare readonly init: RequestInit;

  constructor(input: string | URL, init: RequestInit = {}) {
    const headers = init.headers;
    this.url = String(input);
    this.method = (init.method ?? 'GET').toUpperCase();
    // openapi-fetch hands over a fresh Headers per call: keep it instead of copying.
    this.headers = headers instanceof Headers ? headers : new Headers(headers);
    this.body = init.body ?? null;
    this.signal = init.signal ?? null;
    this.init = init;
    (this as unknown as Record<symbol, boolean>)[BRAND] = true;
  }

  /** What to pass to `fetch(url, init)` for one attempt (the current method/headers/body win). */
  toInit(signal: AbortSignal | undefined): RequestInit {
    return { ...this.init, method: this.method, headers: this.headers, body: this.body, signal };
  }

  clone(): LightRequest {
    return new LightRequest(this.url, { ...this.init, method: this.method, headers: new Headers(this.headers), body: this.body, signal: this.signal });
  }

  /** For middleware that reads the body (`await request.text()`, then `JSON.parse`). */
  text(): Promise<string> {
    return new Response(this.body).text();
  }

  /** openapi-fetch checks middleware results with `instanceof Request`: accept real Requests too. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return isLightRequest(value) || (typeof Request === 'function' && value instanceof Request);
  }
}

export function isLightRequest(value: unknown): value is LightRequest {
  return !!value && typeof value === 'object' && (value as Record<symbol, unknown>)[BRAND] === true;
}
