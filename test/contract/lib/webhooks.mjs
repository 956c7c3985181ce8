// Webhook deliveries in the contract suite: a local receiver collects what the server POSTs, and each
// delivery is checked against the OpenAPI `webhooks` entry of its event type (headers and body, with
// Ajv 2020) and its Kallglot-Signature is verified with @kallglot/client's verifyWebhook.
// Only possible where the suite can tell the server where to deliver: the built-in mock (webhookUrl).
import { createServer } from 'node:http';
import { describeErrors } from './spec.mjs';

export async function startReceiver() {
  const deliveries = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ method: req.method, headers: req.headers, raw: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/webhooks/kallglot`,
    deliveries,
    close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

/** Adds one group of checks per delivery to `report` (the report's summary is recomputed). */
export async function addWebhookChecks(report, contract, deliveries, secret) {
  let verifyWebhook;
  try {
    ({ verifyWebhook } = await import('@kallglot/client'));
  } catch {
    verifyWebhook = undefined;
  }
  const push = (group, name, ok, message) => report.checks.push({ id: report.checks.length + 1, group, name, ok: !!ok, message: ok ? '' : message });
  const seen = {};
  for (const d of deliveries) {
    const text = d.raw.toString('utf8');
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      push('Webhooks', 'delivery body is JSON', false, `not JSON: ${text.slice(0, 80)}`);
      continue;
    }
    const type = body?.type;
    const group = `Webhook ${type}`;
    seen[type] = (seen[type] ?? 0) + 1;
    push(group, 'delivered with POST', d.method === 'POST', `method ${d.method}`);
    const spec = contract.webhooks.get(type);
    if (!push(group, `event type "${type}" is a documented webhook`, spec, `undocumented event type ${JSON.stringify(type)}`)) continue;
    for (const p of spec.params) {
      if (p.in !== 'header') continue;
      const v = d.headers[String(p.name).toLowerCase()];
      if (v === undefined) {
        push(group, `header ${p.name}`, !p.required, `required header ${p.name} is missing`);
        continue;
      }
      if (!p.schema) continue;
      const validate = contract.openapiValidator(`${p.pointer}/schema`);
      const types = [].concat(contract.resolve(p.schema)?.type ?? []);
      const value = (types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
      push(group, `header ${p.name}`, validate(value), `header ${p.name}: ${describeErrors(validate.errors, value)}`);
    }
    if (spec.schemaPointer) {
      const validate = contract.openapiValidator(spec.schemaPointer);
      push(group, 'body matches its schema', validate(body), `body ${describeErrors(validate.errors, body)}`);
    }
    if (verifyWebhook) {
      try {
        await verifyWebhook({ payload: text, header: String(d.headers['kallglot-signature'] ?? ''), secret });
        push(group, 'Kallglot-Signature verifies (HMAC-SHA256 of "t.raw body")', true, '');
      } catch (e) {
        push(group, 'Kallglot-Signature verifies (HMAC-SHA256 of "t.raw body")', false, `${e.name}: ${e.message}`);
      }
    }
  }
  push('Webhooks', 'at least one webhook was delivered', deliveries.length > 0, 'no delivery arrived');
  report.webhooks = { deliveries: deliveries.length, types: seen };
  const failed = report.checks.filter((c) => !c.ok).length;
  report.summary = { ...report.summary, checks: report.checks.length, passed: report.checks.length - failed, failed };
}
