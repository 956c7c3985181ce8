// Suite area: coverage. The operations the flow does not reach are called once (GETs always, the rest when
// writes are on); then every selected operation must have answered at least once, and the report lists
// documented statuses against the ones observed.
import { exampleBody } from '../examples.js';
import type { Coverage } from '../../report.js';
import { AGENT_OPS, SESSION_OPS, WRITE_REASON, type SuiteContext } from './context.js';

export async function remainingOperations(ctx: SuiteContext): Promise<void> {
  const flow = new Set([...AGENT_OPS, 'listAgents', ...SESSION_OPS]);
  for (const op of ctx.contract.operations) {
    if (flow.has(op.operationId) || !ctx.selected(op.operationId)) continue;
    if (op.method === 'GET' || ctx.s.writes) await ctx.call(op.operationId, { body: exampleBody(ctx.contract, op) });
    else ctx.skip(`${op.operationId} (${op.method} ${op.path})`, WRITE_REASON);
  }
}

export function coverageArea(ctx: SuiteContext): Coverage[] {
  const coverage = ctx.contract.operations
    .filter((op) => ctx.selected(op.operationId))
    .map((op) => {
      const documented = Object.keys(op.responses);
      const seen = [...ctx.observed.get(op.operationId)!].sort().map(String);
      return { operationId: op.operationId, method: op.method, path: op.path, documented, observed: seen, missing: documented.filter((s) => !seen.includes(s)) };
    });
  for (const c of coverage) {
    if (c.observed.length === 0 && ctx.skipped.some((s) => s.what.startsWith(`${c.operationId} `))) continue;
    ctx.check(`REST ${c.operationId}`, `${c.operationId} was exercised`, c.observed.length > 0, 'no response was received for this operation', c.operationId);
  }
  return coverage;
}
