// Caps how much of a response body is read. A declared Content-Length over the limit fails before reading; a
// body of unknown or compressed size is counted as it streams and cancelled at the limit, never buffered whole.
import { KallglotResponseTooLargeError } from '../errors.js';

export function limitBody(res: Response, limit: number, where: string): Response {
  const body = res.body;
  if (!body || limit === Infinity) return res;
  const tooLarge = () => new KallglotResponseTooLargeError({ status: res.status, headers: res.headers, where, limit });
  const declared = res.headers.get('content-length');
  const encoding = res.headers.get('content-encoding');
  const plain = !encoding || encoding === 'identity';
  if (declared !== null && plain) {
    if (+declared <= limit) return res; // fetch reads exactly Content-Length bytes of an unencoded body
    void body.cancel().catch(() => {});
    throw tooLarge();
  }
  let seen = 0;
  const counted = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        // Erroring the transform cancels the source: the connection stops reading.
        if (seen > limit) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  const out = new Response(counted, { status: res.status, statusText: res.statusText, headers: res.headers });
  // Keep what callers read from the original (`url`, `redirected`) on the wrapper.
  Object.defineProperties(out, { url: { value: res.url }, redirected: { value: res.redirected } });
  return out;
}
