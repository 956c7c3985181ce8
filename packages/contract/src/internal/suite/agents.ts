// Suite area: agents. Create (a write), list, retrieve, update; deleting comes last, after the sessions.
import { AGENT_OPS, type SuiteContext } from './context.js';

export async function agentsArea(ctx: SuiteContext): Promise<void> {
  const { contract, ids } = ctx;
  if (ctx.s.writes && AGENT_OPS.some(ctx.selected) && contract.byId.has('createAgent')) {
    const r = await ctx.call('createAgent', { body: ctx.body('createAgent'), headers: ctx.idem(), expect: ctx.successOf('createAgent') });
    if (r?.json?.id) ids.agent_id = r.json.id;
  } else if (ctx.selected('createAgent')) await ctx.write('createAgent', async () => {});
  if (ctx.selected('listAgents') || (!ctx.s.writes && ctx.selected('retrieveAgent'))) {
    const r = await ctx.call('listAgents', { query: { limit: '2' }, expect: ctx.successOf('listAgents') });
    if (!ids.agent_id && r?.json?.data?.[0]?.id) ids.agent_id = r.json.data[0].id;
  }
  await ctx.read('retrieveAgent', 'agent_id', () => ctx.call('retrieveAgent', { expect: ctx.successOf('retrieveAgent') }));
  await ctx.write('updateAgent', () => ctx.call('updateAgent', { body: ctx.body('updateAgent'), expect: ctx.successOf('updateAgent') }));
}

export async function deleteAgentStep(ctx: SuiteContext): Promise<void> {
  await ctx.write('deleteAgent', () => ctx.call('deleteAgent', { expect: ctx.successOf('deleteAgent') }));
}
