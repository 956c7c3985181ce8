// Suite area: errors any server produces (none of these requests can change anything): no API key on every
// secured operation, unknown ids, an out-of-range limit.
import { exampleBody } from '../examples.js';
import type { SuiteContext } from './context.js';

const UNKNOWN = { session_id: 'sess_ContractSuiteUnknown0', agent_id: 'agt_ContractSuiteUnknown0', recording_id: 'rec_ContractSuiteUnknown0', analysis_id: 'anl_ContractSuiteUnknown0' };

export async function errorsArea(ctx: SuiteContext): Promise<void> {
  for (const op of ctx.contract.operations) {
    if (!op.secured || !ctx.selected(op.operationId)) continue;
    await ctx.call(op.operationId, { label: 'no API key', auth: false, body: exampleBody(ctx.contract, op), expect: 401 });
  }
  for (const opId of ['retrieveSession', 'retrieveAgent', 'retrieveRecording', 'retrieveAnalysis']) {
    if (ctx.selected(opId)) await ctx.call(opId, { label: 'unknown id', pathIds: { ...ctx.ids, ...UNKNOWN } });
  }
  if (ctx.selected('listAgents')) await ctx.call('listAgents', { label: 'limit out of range', query: { limit: '1000' }, expect: ctx.statusesOf('listAgents', [400, 422]) });
}
