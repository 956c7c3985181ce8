// MSW adapter, REST half: one `http` handler per documented operation (plus a catch-all for 404/405), each a
// thin translation of Request ↔ the one request pipeline (pipeline/pipeline.ts). No rule lives here.
import { http, HttpResponse, type HttpHandler } from 'msw';
import { requestId } from '../internal/errors.js';
import type { OpenApiModel } from '../internal/openapi-model.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { BodyTooLarge, type HeaderBag, type PlainRequest } from '../pipeline/types.js';

const utf8 = new TextEncoder();

/** `/v1/sessions/{session_id}` → `/v1/sessions/:session_id` (MSW's path syntax). */
export function mswPath(template: string): string {
  return template.replace(/\{([^}]+)\}/g, ':$1');
}

function headerBag(h: Headers): HeaderBag {
  const out: HeaderBag = {};
  h.forEach((v, k) => (out[k.toLowerCase()] = v));
  return out;
}

/** Read the stream up to `limit` bytes; past it the rest is cancelled and the read rejects. */
async function readBounded(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      // Not awaited: cancelling one branch of a tee'd body (MSW clones requests) settles only once both are.
      reader.cancel().catch(() => undefined);
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Fetch Request → the pipeline's plain request; the body is read only if the pipeline asks for it. */
function plainRequest(request: Request): PlainRequest {
  const url = new URL(request.url);
  const len = request.headers.get('content-length');
  const declared = len === null ? undefined : Number(len);
  const body = request.body;
  return {
    method: request.method.toUpperCase(),
    pathname: url.pathname,
    search: url.search,
    query: url.searchParams,
    headers: headerBag(request.headers),
    declaredLength: declared !== undefined && Number.isFinite(declared) ? declared : undefined,
    hasBody: body !== null,
    readBody: (limit) => (body ? readBounded(body, limit) : Promise.resolve(new Uint8Array(0))),
  };
}

export interface RestAdapterOptions {
  baseUrl: string;
  model: OpenApiModel;
  pipeline: Pipeline;
  /** Called after a state-changing request (the MSW facade runs due clock tasks). */
  changed(): void;
}

export function restHandlers(o: RestAdapterOptions): HttpHandler[] {
  const base = o.baseUrl.replace(/\/$/, '');
  const resolver = async ({ request }: { request: Request }) => {
    const answer = await o.pipeline(plainRequest(request), requestId());
    if (request.method !== 'GET') o.changed();
    // Names lower-cased with later entries winning, and Content-Length set: what the node adapter writes.
    const headers: Record<string, string> = {};
    for (const k in answer.headers) headers[k.toLowerCase()] = answer.headers[k]!;
    const bytes = typeof answer.body === 'string' ? utf8.encode(answer.body) : answer.body;
    headers['content-length'] = String(bytes.length);
    return new HttpResponse(request.method === 'HEAD' ? null : (bytes.slice().buffer as ArrayBuffer), { status: answer.status, headers });
  };
  const handlers: HttpHandler[] = [];
  for (const op of o.model.operations) {
    const method = op.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    if (!(method in http)) continue;
    const path = `${base}${o.model.basePath && !op.pathTemplate.startsWith(o.model.basePath) ? o.model.basePath : ''}${mswPath(op.pathTemplate)}`;
    handlers.push(http[method](path, resolver));
  }
  // Anything else under the base URL gets the API's own 404 / 405 envelope, never a passthrough.
  handlers.push(http.all(`${base}/*`, resolver));
  return handlers;
}
