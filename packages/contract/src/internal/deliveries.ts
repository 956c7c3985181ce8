// Webhook deliveries during a suite run against the built-in mock: a local receiver collects what the mock
// POSTs, and each delivery is checked against the OpenAPI `webhooks` entry of its event type (headers and
// body, Ajv 2020) and its Kallglot-Signature is verified with @kallglot/client's verifyWebhook.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@kallglot/client';
import type { Contract, Json } from './contract.js';
import { describeErrors, isInferredError } from './errors.js';
import { parseJsonBounded } from '@kallglot/spec/json-limits';
import type { Check } from '../report.js';

export interface Delivery {
  method: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

const MAX_DELIVERIES = 1000;
const MAX_BODY = 1024 * 1024;

export async function startReceiver(): Promise<{ url: string; deliveries: Delivery[]; close(): Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      if (deliveries.length < MAX_DELIVERIES) deliveries.push({ method: req.method ?? '', headers: req.headers, raw: Buffer.concat(chunks) });
      res.writeHead(size > MAX_BODY ? 413 : 200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/kallglot`,
    deliveries,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** One group of checks per delivery, appended to `checks`. */
export async function deliveryChecks(contract: Contract, deliveries: Delivery[], secret: string, strict: boolean): Promise<{ checks: Check[]; types: Record<string, number> }> {
  const checks: Check[] = [];
  const push = (group: string, name: string, ok: unknown, message: string, inferred = false) => {
    const status = ok ? 'pass' : inferred ? 'inferred' : 'fail';
    checks.push({ id: 0, group, name, status, ok: status === 'pass' || (status === 'inferred' && !strict), message: ok ? '' : message });
    return !!ok;
  };
  const types: Record<string, number> = {};
  for (const d of deliveries) {
    const text = d.raw.toString('utf8');
    let body: Json;
    try {
      body = parseJsonBounded(text);
    } catch {
      push('Webhooks', 'delivery body is JSON', false, `not JSON: ${text.slice(0, 80)}`);
      continue;
    }
    const type = String(body?.type);
    const group = `Webhook ${type}`;
    types[type] = (types[type] ?? 0) + 1;
    push(group, 'delivered with POST', d.method === 'POST', `method ${d.method}`);
    const spec = contract.webhooks.get(type);
    if (!push(group, `event type "${type}" is a documented webhook`, spec, `undocumented event type ${JSON.stringify(type)}`)) continue;
    for (const p of spec!.params) {
      if (p.in !== 'header') continue;
      const v = d.headers[String(p.name).toLowerCase()];
      if (v === undefined) {
        push(group, `header ${p.name}`, !p.required, `required header ${p.name} is missing`);
        continue;
      }
      if (!p.schema) continue;
      const ptr = `${p.pointer}/schema`;
      const validate = contract.openapiValidator(ptr);
      const types = ([] as string[]).concat(contract.resolve(p.schema)?.type ?? []);
      const s = String(v);
      const value = (types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s;
      const ok = validate(value);
      push(group, `header ${p.name}`, ok, `header ${p.name}: ${describeErrors(validate.errors, value)}`, !ok && (validate.errors ?? []).every((e) => isInferredError(contract.openapi, ptr, e)));
    }
    if (spec!.schemaPointer) {
      const validate = contract.openapiValidator(spec!.schemaPointer);
      const ok = validate(body);
      push(group, 'body matches its schema', ok, `body ${describeErrors(validate.errors, body)}`, !ok && (validate.errors ?? []).every((e) => isInferredError(contract.openapi, spec!.schemaPointer!, e)));
    }
    try {
      await verifyWebhook({ payload: text, header: String(d.headers['kallglot-signature'] ?? ''), secret });
      push(group, 'Kallglot-Signature verifies (HMAC-SHA256 of "t.raw body")', true, '');
    } catch (e) {
      push(group, 'Kallglot-Signature verifies (HMAC-SHA256 of "t.raw body")', false, `${(e as Error).name}: ${(e as Error).message}`);
    }
  }
  push('Webhooks', 'at least one webhook was delivered', deliveries.length > 0, 'no delivery arrived');
  return { checks, types };
}
