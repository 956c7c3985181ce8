// The control plane under /_mock/: reset, a state snapshot, seeding, the virtual clock and the webhook log.
// It never collides with the API (which lives under /v1/) and needs no API key: it is a local sandbox's knob.
// Who may call it is guard.ts's job; seeds are checked by seed.ts before anything is applied.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { refuseControl } from './guard.js';
import { SeedError, seedEngine } from './seed.js';
import { pageOf, readPageQuery } from './webhooks-page.js';
import { sessionDiagnosticsRoute } from './session-diagnostics.js';
import type { Engine } from '../engine/index.js';
import type { ApiError, ErrorVocabulary } from '../internal/errors.js';
import type { OpenApiModel } from '../internal/openapi-model.js';
import { loadOpenApiModel } from '../internal/load-openapi-model.js';

export interface ControlHooks {
  /** Recorded webhook events (oldest first), optionally for one session. */
  webhooks?(filter: { sessionId?: string; type?: string }): Promise<{ id: string }[]>;
  /** Extra sizes for the snapshot (webhook log, open sockets). */
  sizes?(): Record<string, number>;
  /** Called after anything that changed state (persists the state file). */
  changed?(): void;
  /** Called after a reset (clears the webhook log). */
  reset?(): void;
  /** When set, every /_mock/ route needs `Authorization: Bearer <token>` (`--control-token`). */
  token?: string;
}

interface ControlRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: { pathname: string; searchParams: URLSearchParams };
  method: string;
  engine: Engine;
  hooks?: ControlHooks;
  /** The contract seeds are checked against (default: the bundled one). */
  model?: OpenApiModel;
  readBody(): Promise<Buffer>;
  extra: Record<string, string>;
  reqId: string;
  send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void;
  sendError(res: ServerResponse, reqId: string, e: ApiError, extra?: Record<string, string>): void;
  vocab: ErrorVocabulary;
}

type Fail = (status: number, message: string, param?: string) => void;

const ROUTES = 'GET /_mock/state, POST /_mock/reset, POST /_mock/seed, GET /_mock/clock, POST /_mock/clock/advance, GET /_mock/webhooks';

async function readJsonObject(c: ControlRequest, fail: Fail): Promise<Record<string, unknown> | undefined> {
  let raw: Buffer;
  try {
    raw = await c.readBody();
  } catch {
    fail(400, 'Control bodies are limited to 1 MiB.');
    return undefined;
  }
  if (!raw.length) return {};
  try {
    const v = JSON.parse(raw.toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  fail(400, 'The body must be a JSON object.');
  return undefined;
}

export async function handleControl(c: ControlRequest): Promise<void> {
  const { engine, hooks, res } = c;
  const json = (status: number, body: unknown) => c.send(res, status, { ...c.extra, 'Content-Type': 'application/json', 'X-Request-ID': c.reqId }, JSON.stringify(body));
  const fail: Fail = (status, message, param) => {
    const kind = status === 404 ? 'not_found' : status === 401 ? 'authentication' : status === 403 ? 'permission' : 'invalid_request';
    const code = status === 401 ? 'invalid_api_key' : status === 403 ? 'insufficient_permissions' : 'invalid_request';
    c.sendError(res, c.reqId, { status, type: c.vocab.type(kind), code, message, param }, c.extra);
  };
  const origin = c.req.headers.origin;
  const refused = refuseControl(c.req, c.method, origin !== undefined && c.extra['Access-Control-Allow-Origin'] === origin, hooks?.token);
  if (refused) return fail(refused.status, refused.message, refused.param);
  const route = `${c.method} ${c.url.pathname.replace(/\/$/, '')}`;
  const diagnostics = sessionDiagnosticsRoute(c.method, c.url.pathname, engine);
  if (diagnostics) return diagnostics.status === 200 ? json(200, diagnostics.body) : fail(404, diagnostics.message, 'session_id');
  try {
    switch (route) {
      case 'POST /_mock/reset':
        engine.reset();
        hooks?.reset?.();
        hooks?.changed?.();
        return json(200, { reset: true, clock: engine.clock.snapshot() });
      case 'GET /_mock/state': {
        const snap = engine.snapshot({ full: c.url.searchParams.get('full') === 'true' });
        Object.assign(snap.sizes as object, hooks?.sizes?.() ?? {});
        return json(200, snap);
      }
      case 'POST /_mock/seed':
        return await seed(c, json, fail);
      case 'GET /_mock/clock':
        return json(200, engine.clock.snapshot());
      case 'POST /_mock/clock/advance': {
        const b = await readJsonObject(c, fail);
        if (!b) return;
        const ms = b.ms;
        if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 366 * 86_400_000) return fail(400, '`ms` must be a number of milliseconds between 0 and one year.', 'ms');
        const ran = engine.clock.advance(ms);
        hooks?.changed?.();
        return json(200, { ...engine.clock.snapshot(), tasks_run: ran });
      }
      case 'GET /_mock/webhooks':
        return await webhooks(c, json, fail);
      default:
        return fail(404, `No control route ${route}. Try ${ROUTES}.`);
    }
  } catch (e) {
    return fail(400, `Control request failed: ${(e as Error).message.slice(0, 300)}`);
  }
}

async function seed(c: ControlRequest, json: (status: number, body: unknown) => void, fail: Fail): Promise<void> {
  const b = await readJsonObject(c, fail);
  if (!b) return;
  try {
    const seeded = seedEngine(c.engine, b, c.model ?? loadOpenApiModel());
    c.hooks?.changed?.();
    return json(200, { seeded });
  } catch (e) {
    if (e instanceof SeedError) return fail(400, e.message, e.param);
    throw e;
  }
}

async function webhooks(c: ControlRequest, json: (status: number, body: unknown) => void, fail: Fail): Promise<void> {
  const q = readPageQuery(c.url.searchParams);
  if ('param' in q) return fail(400, q.message, q.param);
  const sessionId = c.url.searchParams.get('session_id') ?? undefined;
  const type = c.url.searchParams.get('type') ?? undefined;
  const all = c.hooks?.webhooks ? await c.hooks.webhooks({ sessionId, type }) : [];
  const page = pageOf(all, q);
  if (!page) return fail(400, `'starting_after' names no record of this list (reset, evicted or made up): start again without it.`, 'starting_after');
  return json(200, page);
}
