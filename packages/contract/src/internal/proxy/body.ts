// Bounded bodies for the proxy. Requests: refused on their declared size before a byte is read, cut at the
// limit when chunked, cut after a deadline when they trickle. Responses: buffered up to a cap (they are
// validated whole), and the upstream stream is cancelled the moment the cap is passed.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request bodies over this are refused with 413 (`--max-body`). */
export const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
/** Upstream responses over this are refused with 502 and the upstream read is aborted (`maxResponseBytes`). */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** A request body must have arrived this long after its headers, else 408 (`bodyTimeoutMs`). */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

export type BodyRefusal = { status: 413 | 408; code: 'invalid_request' | 'request_timeout'; message: string };
export type BodyResult = { body: Buffer; refusal?: undefined } | { body?: undefined; refusal: BodyRefusal };

const tooLarge = (max: number): BodyRefusal => ({ status: 413, code: 'invalid_request', message: `The request body exceeds ${max} bytes.` });

/** Refuses on `Content-Length` alone (nothing read yet), else reads within the size and time limits. */
export function readRequestBody(req: IncomingMessage, max: number, timeoutMs: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve({ refusal: tooLarge(max) });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off('data', onData);
      if (r.refusal) req.pause();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ refusal: { status: 408, code: 'request_timeout', message: `The request body did not arrive within ${timeoutMs} ms.` } }), timeoutMs);
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > max) finish({ refusal: tooLarge(max) });
      else chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => finish({ body: Buffer.concat(chunks) }));
    req.on('error', (e) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** After a refused body: once the answer is out, close the connection instead of reading the rest. */
export function closeAfterResponse(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => {
    const socket = req.socket;
    socket.end();
    setTimeout(() => socket.destroy(), 1000).unref();
  });
}

/** The upstream body, or undefined once it passes `max` (declared or counted); the read is then cancelled. */
export async function readLimited(res: Response, max: number): Promise<Buffer | undefined> {
  const len = Number(res.headers.get('content-length'));
  if (Number.isFinite(len) && len > max) {
    await res.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, size);
    size += value.length;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
}
