// Suite area: every documented status, provoked through the mock's `Prefer: code=NNN` selector (on a
// stateless mock when one is given), with fresh things to point at and destructive operations last.
import type { Json } from '../contract.js';
import { exampleBody } from '../examples.js';
import { AGENT_OPS, SESSION_OPS, type SuiteContext } from './context.js';
import { sessionBodyOf } from './sessions.js';

const WHAT = 'Prefer: code=NNN for every documented status';

export async function preferArea(ctx: SuiteContext): Promise<void> {
  if (!ctx.s.prefer) return;
  if (!ctx.s.writes) return ctx.skip(WHAT, 'the Prefer selector sends writes too; pass --allow-writes');
  if (ctx.s.preferBaseUrl) ctx.base = ctx.normalize(ctx.s.preferBaseUrl);
  try {
    if (await honoursPrefer(ctx)) await preferPass(ctx);
    else ctx.skip(WHAT, 'the target ignores the Prefer selector (a stateful mock answers from its state; start one with --stateless for this pass)');
  } finally {
    ctx.base = ctx.mainBase;
  }
}

/** One probe outside the report: does the target answer the status Prefer asks for? */
async function honoursPrefer(ctx: SuiteContext): Promise<boolean> {
  const ops = ctx.contract.operations;
  const op = ops.find((x) => x.method === 'GET' && !x.path.includes('{') && x.responses['503']) ?? ops.find((x) => x.method === 'GET' && x.responses['503']);
  if (!op) return true;
  try {
    const res = await fetch(ctx.urlFor(op.path, ctx.ids), { headers: { Authorization: `Bearer ${ctx.s.apiKey}`, Prefer: 'code=503', Accept: 'application/json' }, signal: AbortSignal.timeout(ctx.s.timeoutMs) });
    await res.arrayBuffer();
    return res.status === 503;
  } catch {
    return false;
  }
}

async function preferPass(ctx: SuiteContext): Promise<void> {
  const { contract, ids } = ctx;
  // Fresh things to point at: a stateful server may have forgotten the flow's agent and session by now.
  if (contract.byId.has('createAgent') && AGENT_OPS.some(ctx.selected)) {
    const r = await ctx.call('createAgent', { label: 'for Prefer', body: ctx.body('createAgent'), headers: ctx.idem() });
    if (r?.json?.id) ids.agent_id = r.json.id;
  }
  if (contract.byId.has('createSession') && SESSION_OPS.some(ctx.selected)) {
    const r = await ctx.call('createSession', { label: 'for Prefer', body: sessionBodyOf(ctx), headers: ctx.idem() });
    if (r?.json?.id) ids.session_id = r.json.id;
  }
  // Destructive operations last, so the others still find what they point at.
  const last = ['endSession', 'deleteAgent'];
  const ordered = [...contract.operations].sort((a, b) => Number(last.includes(a.operationId)) - Number(last.includes(b.operationId)));
  for (const op of ordered) {
    if (!ctx.selected(op.operationId)) continue;
    for (const status of Object.keys(op.responses)) {
      if (!/^\d{3}$/.test(status)) continue;
      const headers: Record<string, string> = op.op.parameters?.some((p: Json) => contract.resolve(p)?.name === 'Idempotency-Key') ? ctx.idem() : {};
      const accept = Object.keys(op.responses[status]!.content)[0];
      await ctx.call(op.operationId, { label: `Prefer code=${status}`, prefer: `code=${status}`, body: exampleBody(contract, op), headers: { ...headers, ...(accept ? { Accept: accept } : {}) }, expect: Number(status) });
    }
  }
}
