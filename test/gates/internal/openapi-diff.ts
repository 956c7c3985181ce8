// Our own OpenAPI 3.1 breaking-change checker (@useoptic/optic 1.0.9 crashes on load here: its ajv-errors
// build fails under spectral-core). It compares what a client of the old document relies on:
// paths, operations, parameters, request bodies, responses (status, content type, headers, schema) and
// webhooks (payloads are read by the client, so they compare like responses).
import { type Change, makeResolver, SchemaComparer } from './schema-diff.ts';

export type { Change } from './schema-diff.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function jsonContent(content: Record<string, any> | undefined): [string, any][] {
  return Object.entries(content ?? {});
}

export function diffOpenApi(base: any, head: any): Change[] {
  const rb = makeResolver(base);
  const rh = makeResolver(head);
  const cmp = new SchemaComparer(rb, rh);
  const changes = cmp.changes;
  const add = (breaking: boolean, rule: string, location: string, message: string) =>
    changes.push({ breaking, rule, location, message });

  const compareOperation = (bOp: any, hOp: any, bItem: any, hItem: any, where: string, webhook: boolean) => {
    if (bOp.operationId && hOp.operationId !== bOp.operationId) {
      add(true, 'operation-id-changed', where, `operationId ${bOp.operationId} → ${hOp.operationId ?? '(none)'} (generated method/type names change)`);
    }
    // Parameters, keyed by in+name; operation-level ones override path-level ones.
    const params = (item: any, op: any, resolve: (n: any) => any) => {
      const m = new Map<string, any>();
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        const r = resolve(p);
        if (r?.name && r?.in) m.set(`${r.in}:${r.in === 'header' ? String(r.name).toLowerCase() : r.name}`, r);
      }
      return m;
    };
    const bp = params(bItem, bOp, rb);
    const hp = params(hItem, hOp, rh);
    const reqDir = webhook ? 'response' : 'request';
    for (const [k, p] of bp) {
      const q = hp.get(k);
      if (!q) {
        add(true, 'parameter-removed', `${where} ${k}`, 'parameter removed');
        continue;
      }
      if (!webhook && q.required && !p.required) add(true, 'parameter-became-required', `${where} ${k}`, 'optional parameter is now required');
      if (webhook && p.required && !q.required) add(true, 'parameter-became-optional', `${where} ${k}`, 'webhook header is no longer always sent');
      cmp.compare(p.schema, q.schema, reqDir, `${where} ${k}`);
    }
    for (const [k, q] of hp) {
      if (!webhook && !bp.has(k) && q.required) add(true, 'required-parameter-added', `${where} ${k}`, 'new required parameter');
    }
    // Security: a new requirement on a previously open operation breaks callers without credentials.
    const bSec = bOp.security ?? base.security ?? [];
    const hSec = hOp.security ?? head.security ?? [];
    const open = (s: any[]) => s.length === 0 || s.some((r) => Object.keys(r).length === 0);
    if (open(bSec) && !open(hSec)) add(true, 'security-added', where, 'operation now requires authentication');

    // Request body
    const bBody = rb(bOp.requestBody);
    const hBody = rh(hOp.requestBody);
    if (hBody && !bBody && hBody.required) add(true, 'required-request-body-added', where, 'request body is now required');
    if (bBody && hBody) {
      if (hBody.required && !bBody.required) add(true, 'request-body-became-required', where, 'request body is now required');
      for (const [ct, media] of jsonContent(bBody.content)) {
        const hm = hBody.content?.[ct];
        if (!hm) {
          add(true, 'request-content-type-removed', `${where} body ${ct}`, 'request content type no longer accepted');
          continue;
        }
        cmp.compare(media.schema, hm.schema, webhook ? 'response' : 'request', `${where} body`);
      }
    }
    if (bBody && !hBody && !webhook) add(true, 'request-body-removed', where, 'request body removed');

    // Responses
    const bRes = bOp.responses ?? {};
    const hRes = hOp.responses ?? {};
    for (const [status, bR0] of Object.entries(bRes)) {
      const hR0 = hRes[status];
      const at = `${where} → ${status}`;
      if (!hR0) {
        const success = /^2/.test(status);
        add(true, success ? 'success-response-removed' : 'response-removed', at, success ? `success status ${status} removed` : `documented response ${status} removed`);
        continue;
      }
      const bR = rb(bR0);
      const hR = rh(hR0);
      for (const [name, bh0] of Object.entries(bR?.headers ?? {})) {
        const lname = name.toLowerCase();
        const hhEntry = Object.entries(hR?.headers ?? {}).find(([n]) => n.toLowerCase() === lname);
        const bh = rb(bh0);
        if (!hhEntry) {
          add(true, 'response-header-removed', `${at} header ${name}`, 'response header removed');
          continue;
        }
        const hh = rh(hhEntry[1]);
        if (bh?.required && !hh?.required) add(true, 'response-header-became-optional', `${at} header ${name}`, 'required response header is now optional');
        cmp.compare(bh?.schema, hh?.schema, 'response', `${at} header ${name}`);
      }
      for (const [ct, media] of jsonContent(bR?.content)) {
        const hm = hR?.content?.[ct];
        if (!hm) {
          add(true, 'response-content-type-removed', `${at} ${ct}`, 'response content type removed');
          continue;
        }
        cmp.compare(media.schema, hm.schema, webhook ? 'request' : 'response', `${at} body`);
      }
    }
  };

  const compareItems = (bItems: any, hItems: any, kind: 'path' | 'webhook') => {
    for (const [path, bItem0] of Object.entries(bItems ?? {})) {
      const bItem = rb(bItem0);
      const hItem = rh(hItems?.[path]);
      if (!hItem) {
        add(true, `${kind}-removed`, path, `${kind} removed`);
        continue;
      }
      for (const m of METHODS) {
        if (!bItem[m]) continue;
        const where = `${m.toUpperCase()} ${path}`;
        if (!hItem[m]) {
          add(true, 'operation-removed', where, `operation ${bItem[m].operationId ?? ''} removed`.trim());
          continue;
        }
        compareOperation(bItem[m], hItem[m], bItem, hItem, where, kind === 'webhook');
      }
    }
    for (const [path] of Object.entries(hItems ?? {})) {
      if (!bItems?.[path]) add(false, `${kind}-added`, path, `${kind} added`);
    }
  };

  compareItems(base.paths, head.paths, 'path');
  // A webhook payload is a request the server sends; the client reads it, so it compares like a response
  // (and the receiver's reply like a request).
  compareItems(base.webhooks, head.webhooks, 'webhook');
  return changes;
}
