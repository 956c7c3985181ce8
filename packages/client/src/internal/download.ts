// The download result (`RecordingAudio`): the bytes plus the headers a caller needs to save them.
import type { RecordingAudio, ResponseMeta } from '../client.js';

export function toDownload<T>(result: { data?: unknown; response: Response; meta?: ResponseMeta }): RecordingAudio<T> {
  const h = result.response.headers;
  const len = h.get('content-length');
  // `filename="x.mp3"` or RFC 5987 `filename*=UTF-8''x.mp3`.
  let filename = /filename\*?=(?:UTF-8'')?"?([^";]+)/i.exec(h.get('content-disposition')!)?.[1]!.trim();
  try {
    filename &&= decodeURIComponent(filename);
  } catch {
    /* not percent-encoded: keep it as sent */
  }
  return { ...result, contentType: h.get('content-type') ?? undefined, filename, contentLength: len ? +len : undefined } as RecordingAudio<T>;
}
