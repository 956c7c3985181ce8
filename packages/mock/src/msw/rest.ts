// MSW adapter, REST half: one `http` handler per documented operation (plus a catch-all for 404/405), each a
// thin translation of Request ↔ the shared request path in core/rest.ts. No rule lives here.
import { http, HttpResponse, type HttpHandler } from 'msw';
import { handleSandboxRequest, MAX_BODY, type HeaderBag, type RestRules } from '../core/rest.js';
import type { Engine } from '../engine/index.js';
import { requestId } from '../internal/errors.js';
import type { OpenApiModel } from '../internal/openapi-model.js';

/** `/v1/sessions/{session_id}` → `/v1/sessions/:session_id` (MSW's path syntax). */
export function mswPath(template: string): string {
  return template.replace(/\{([^}]+)\}/g, ':$1');
}

function headerBag(h: Headers): HeaderBag {
  const out: HeaderBag = {};
  h.forEach((v, k) => (out[k.toLowerCase()] = v));
  return out;
}

async function readBounded(request: Request): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (Number.isFinite(declared) && declared > MAX_BODY) return new Uint8Array(MAX_BODY + 1);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    // Past the cap the rest is not kept: the core answers 400 request_too_large from the length alone.
    if (size > MAX_BODY) {
      await reader.cancel().catch(() => undefined);
      return new Uint8Array(MAX_BODY + 1);
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

export interface RestAdapterOptions {
  baseUrl: string;
  model: OpenApiModel;
  rules: RestRules;
  engine: Engine;
  /** Called after a state-changing request (the MSW facade runs due clock tasks). */
  changed(): void;
}

export function restHandlers(o: RestAdapterOptions): HttpHandler[] {
  const base = o.baseUrl.replace(/\/$/, '');
  const resolver = async ({ request }: { request: Request }) => {
    const url = new URL(request.url);
    const answer = handleSandboxRequest(o.rules, o.engine, { method: request.method.toUpperCase(), pathname: url.pathname, query: url.searchParams, headers: headerBag(request.headers), body: await readBounded(request) }, requestId());
    if (request.method !== 'GET') o.changed();
    const body = typeof answer.body === 'string' ? answer.body : (answer.body.slice().buffer as ArrayBuffer);
    return new HttpResponse(request.method === 'HEAD' ? null : body, { status: answer.status, headers: answer.headers });
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
