// Test helper for the stateful sandbox: one call = fetch + Ajv check of the answer against the spec.
import { expect } from 'vitest';
import { compileOpenApi } from '@kallglot/spec/validators';
import { openapi, schemaErrors } from './spec.js';

// The shared Ajv 2020 validators of @kallglot/spec (the same ones the contract suite uses).
export const oas = compileOpenApi();
const opByRoute = new Map([...oas.operations.values()].map((o) => [`${o.method.toUpperCase()} ${o.path}`, o.operationId]));
export const operationIdOf = (method: string, template: string) => opByRoute.get(`${method.toUpperCase()} ${template}`)!;
const errorValidator = oas.schema('Error');

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
  bytes?: Uint8Array;
}

const templates = Object.keys(openapi.paths as object).map((t) => ({ t, re: new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`) }));

export function templateOf(path: string): string {
  const p = path.split('?')[0]!;
  const m = templates.find((x) => x.re.test(p));
  if (!m) throw new Error(`no template for ${p}`);
  return m.t;
}

/** Validate an answer against the operation's documented response (or the Error schema for 4xx/5xx). */
export function expectValid(method: string, path: string, a: { status: number; body: unknown }) {
  if (a.status >= 400) {
    expect(schemaErrors(errorValidator, a.body), JSON.stringify(a.body)).toEqual([]);
    return;
  }
  const t = templateOf(path);
  const v = oas.response(operationIdOf(method, t), a.status);
  expect(schemaErrors(v, a.body), `${method} ${t} ${a.status}: ${JSON.stringify(a.body).slice(0, 400)}`).toEqual([]);
}

export function makeApi(base: () => string) {
  return async function api(method: string, path: string, body?: unknown, opts: { key?: string; idem?: string; raw?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { Authorization: `Bearer ${opts.key ?? 'sk_test_sandbox_a'}`, ...(opts.headers ?? {}) };
    if (body !== undefined || opts.raw !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.idem) headers['Idempotency-Key'] = opts.idem;
    const res = await fetch(base() + path, { method, headers, body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const ct = res.headers.get('content-type') ?? '';
    if (ct.includes('audio/mpeg')) {
      const bytes = new Uint8Array(await res.arrayBuffer());
      return { status: res.status, body: undefined, headers: res.headers, bytes };
    }
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    const a = { status: res.status, body: parsed, headers: res.headers };
    expectValid(method, path, a);
    return a;
  };
}

/** Validate a webhook payload against its event schema. */
export function expectValidWebhook(payload: { type: string }) {
  expect(schemaErrors(oas.webhook(payload.type), payload), JSON.stringify(payload).slice(0, 400)).toEqual([]);
}

/** True when the bytes hold MPEG audio frames (11 sync bits at the start of consecutive frames). */
export function hasMp3FrameSync(b: Uint8Array): boolean {
  let frames = 0;
  for (let i = 0; i + 1 < b.length && frames < 3; i++) if (b[i] === 0xff && (b[i + 1]! & 0xe0) === 0xe0) frames++;
  return frames >= 3;
}
