// The control plane under /_mock/: reset, a state snapshot, seeding, the virtual clock and the webhook log.
// It never collides with the API (which lives under /v1/) and needs no API key: it is a local sandbox's knob.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine, SeedFixture } from './engine/index.js';
import type { ApiError, ErrorVocabulary } from './internal/errors.js';
import { sessionDiagnosticsRoute } from './control/session-diagnostics.js';

export interface ControlHooks {
  /** Recorded webhook events, optionally for one session. */
  webhooks?(filter: { sessionId?: string; type?: string }): Promise<unknown[]>;
  /** Extra sizes for the snapshot (webhook log, open sockets). */
  sizes?(): Record<string, number>;
  /** Called after anything that changed state (persists the state file). */
  changed?(): void;
  /** Called after a reset (clears the webhook log). */
  reset?(): void;
}

interface ControlRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: { pathname: string; searchParams: URLSearchParams };
  method: string;
  engine: Engine;
  hooks?: ControlHooks;
  readBody(): Promise<Buffer>;
  extra: Record<string, string>;
  reqId: string;
  send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void;
  sendError(res: ServerResponse, reqId: string, e: ApiError, extra?: Record<string, string>): void;
  vocab: ErrorVocabulary;
}

export async function handleControl(c: ControlRequest): Promise<void> {
  const { engine, hooks, res } = c;
  const json = (status: number, body: unknown) => c.send(res, status, { ...c.extra, 'Content-Type': 'application/json', 'X-Request-ID': c.reqId }, JSON.stringify(body));
  const fail = (status: number, message: string, param?: string) => c.sendError(res, c.reqId, { status, type: c.vocab.type(status === 404 ? 'not_found' : 'invalid_request'), code: 'invalid_request', message, param }, c.extra);
  const body = async (): Promise<Record<string, unknown> | undefined> => {
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
  };
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
      case 'POST /_mock/seed': {
        const b = await body();
        if (!b) return;
        const seeded = engine.seed(b as SeedFixture);
        hooks?.changed?.();
        return json(200, { seeded });
      }
      case 'GET /_mock/clock':
        return json(200, engine.clock.snapshot());
      case 'POST /_mock/clock/advance': {
        const b = await body();
        if (!b) return;
        const ms = b.ms;
        if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 366 * 86_400_000) return fail(400, '`ms` must be a number of milliseconds between 0 and one year.', 'ms');
        const ran = engine.clock.advance(ms);
        hooks?.changed?.();
        return json(200, { ...engine.clock.snapshot(), tasks_run: ran });
      }
      case 'GET /_mock/webhooks': {
        const sessionId = c.url.searchParams.get('session_id') ?? undefined;
        const type = c.url.searchParams.get('type') ?? undefined;
        return json(200, { object: 'list', data: hooks?.webhooks ? await hooks.webhooks({ sessionId, type }) : [] });
      }
      default:
        return fail(404, `No control route ${route}. Try GET /_mock/state, POST /_mock/reset, POST /_mock/seed, GET /_mock/clock, POST /_mock/clock/advance, GET /_mock/webhooks.`);
    }
  } catch (e) {
    return fail(400, `Control request failed: ${(e as Error).message.slice(0, 300)}`);
  }
}
