// AsyncAPI 3 breaking-change check = @asyncapi/diff on the parsed (dereferenced) documents for structure
// (channels, addresses, operations, messages, security) + our direction-aware payload comparison, because
// @asyncapi/diff leaves changes inside a payload unclassified (it cannot tell an added optional field from
// a removed one). The document is written from the server's side: `send` = the client reads the message
// (compared like a response), `receive` = the client sends it (compared like a request).
import { diff as asyncapiDiff } from '@asyncapi/diff';
import { Parser } from '@asyncapi/parser';
import { type Change, makeResolver, SchemaComparer } from './schema-diff.ts';

const parser = new Parser();

// The same baseline object is compared many times (mutation corpus): parse it once.
const parsed = new WeakMap<object, Promise<any>>();

export function parseAsyncApi(doc: any): Promise<any> {
  if (!parsed.has(doc)) parsed.set(doc, parseUncached(doc));
  return parsed.get(doc)!;
}

async function parseUncached(doc: any): Promise<any> {
  const { document, diagnostics } = await parser.parse(JSON.stringify(doc));
  if (!document) {
    const errors = diagnostics.filter((d: any) => d.severity === 0).map((d: any) => `${d.path?.join('/')}: ${d.message}`);
    throw new Error(`invalid AsyncAPI document:\n${errors.join('\n')}`);
  }
  return document.json();
}

function messagesOf(doc: any): Map<string, { op: string; action: string; name: string; message: any }> {
  const resolve = makeResolver(doc);
  const out = new Map<string, { op: string; action: string; name: string; message: any }>();
  for (const [opId, op0] of Object.entries<any>(doc.operations ?? {})) {
    const op = resolve(op0);
    let refs: any[] = op.messages ?? [];
    if (refs.length === 0) {
      // no list = every message of the channel
      const ch = resolve(op.channel);
      refs = Object.values(ch?.messages ?? {});
    }
    for (const ref of refs) {
      const message = resolve(ref);
      const name = message?.name ?? (typeof ref.$ref === 'string' ? ref.$ref.split('/').pop() : undefined) ?? '?';
      out.set(`${op.action}:${name}`, { op: opId, action: op.action, name, message });
    }
  }
  return out;
}

export async function diffAsyncApi(base: any, head: any): Promise<Change[]> {
  const changes: Change[] = [];
  const [pb, ph] = await Promise.all([parseAsyncApi(base), parseAsyncApi(head)]);
  const out: any = asyncapiDiff(pb, ph, { outputType: 'json' } as any);
  for (const c of out.breaking() as any[]) {
    // Payload internals are judged below with direction; parser bookkeeping is not part of the contract.
    if (/\/payload(\/|$)/.test(c.path) && c.action !== 'remove') continue;
    if (/\/x-parser-/.test(c.path)) continue;
    changes.push({ breaking: true, rule: `asyncapi-diff:${c.action}`, location: c.path, message: `@asyncapi/diff: ${c.action} ${c.path}` });
  }
  for (const c of out.nonBreaking() as any[]) {
    changes.push({ breaking: false, rule: `asyncapi-diff:${c.action}`, location: c.path, message: `@asyncapi/diff: ${c.action} ${c.path}` });
  }

  const rb = makeResolver(base);
  const rh = makeResolver(head);
  const cmp = new SchemaComparer(rb, rh);
  const bm = messagesOf(base);
  const hm = messagesOf(head);
  for (const [k, b] of bm) {
    const h = hm.get(k);
    const where = `${b.action === 'send' ? 'server→client' : 'client→server'} ${b.name}`;
    if (!h) {
      changes.push({ breaking: true, rule: 'stream-message-removed', location: where, message: 'message no longer part of the stream' });
      continue;
    }
    // server→client payloads are read by the client; client→server ones are written by it
    cmp.compare(b.message.payload, h.message.payload, b.action === 'send' ? 'response' : 'request', where);
  }
  for (const [k, h] of hm) {
    if (!bm.has(k)) changes.push({ breaking: false, rule: 'stream-message-added', location: h.name, message: `new ${h.action} message` });
  }
  changes.push(...cmp.changes);

  // Close codes are part of the contract (x-kallglot-close-codes): a removed or renamed one breaks clients.
  const codes = (d: any) => {
    const found = new Map<string, string>();
    const walk = (n: any) => {
      if (!n || typeof n !== 'object') return;
      if (n['x-kallglot-close-codes'] && typeof n['x-kallglot-close-codes'] === 'object') {
        const v = n['x-kallglot-close-codes'];
        for (const [c, info] of Array.isArray(v) ? v.map((x: any) => [String(x.code), x]) : Object.entries(v)) {
          found.set(String(c), JSON.stringify((info as any)?.name ?? info));
        }
      }
      for (const x of Object.values(n)) walk(x);
    };
    walk(d);
    return found;
  };
  const bc = codes(base);
  const hc = codes(head);
  for (const [c, name] of bc) {
    if (!hc.has(c)) changes.push({ breaking: true, rule: 'close-code-removed', location: `close ${c}`, message: `close code ${c} ${name} removed` });
    else if (hc.get(c) !== name) changes.push({ breaking: true, rule: 'close-code-renamed', location: `close ${c}`, message: `close code ${c} ${name} → ${hc.get(c)}` });
  }
  return changes;
}
