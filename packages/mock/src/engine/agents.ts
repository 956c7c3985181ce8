// Agents: CRUD from the request body; PATCH merges and null clears; the list pages the store, newest first.
import { iso, type Ctx } from './context.js';
import { invalid, notFound } from './errors.js';
import { newId } from './ids.js';
import type { AgentRecord, JsonObject } from './types.js';

export function renderAgent(a: AgentRecord): JsonObject {
  return { id: a.id, object: 'agent', ...a.fields, created_at: iso(a.createdAt), updated_at: iso(a.updatedAt) };
}

function get(ctx: Ctx, id: string): AgentRecord {
  const a = ctx.tenant.agents.get(id);
  if (!a) throw notFound('agent_not_found', 'agent', id, 'agent_id');
  return a;
}

export function insertAgent(ctx: Ctx, body: JsonObject, id?: string): AgentRecord {
  const now = ctx.clock.now();
  const fields: JsonObject = {};
  for (const [k, v] of Object.entries(body)) if (k !== 'id' && v !== undefined) fields[k] = v;
  const a: AgentRecord = { id: id ?? newId('agt', now), fields, createdAt: now, updatedAt: now };
  ctx.tenant.agents.set(a.id, a);
  return a;
}

export const createAgent = (ctx: Ctx, body: JsonObject) => renderAgent(insertAgent(ctx, body));
export const retrieveAgent = (ctx: Ctx, id: string) => renderAgent(get(ctx, id));

export function updateAgent(ctx: Ctx, id: string, patch: JsonObject): JsonObject {
  const a = get(ctx, id);
  for (const [k, v] of Object.entries(patch)) a.fields[k] = v;
  a.updatedAt = ctx.clock.now();
  return renderAgent(a);
}

export function deleteAgent(ctx: Ctx, id: string): JsonObject {
  get(ctx, id);
  ctx.tenant.agents.delete(id);
  return { id, object: 'agent', deleted: true };
}

export function listAgents(ctx: Ctx, query: Record<string, unknown>): JsonObject {
  const limit = typeof query.limit === 'number' ? query.limit : 20;
  const all = [...ctx.tenant.agents.values()].reverse(); // newest first
  let start = 0;
  let end = all.length;
  if (typeof query.starting_after === 'string') {
    const i = all.findIndex((a) => a.id === query.starting_after);
    if (i < 0) throw invalid(`No agent '${query.starting_after}' to page after.`, 'starting_after');
    start = i + 1;
  }
  if (typeof query.ending_before === 'string') {
    const i = all.findIndex((a) => a.id === query.ending_before);
    if (i < 0) throw invalid(`No agent '${query.ending_before}' to page before.`, 'ending_before');
    end = i;
    // The page just before the cursor.
    if (typeof query.starting_after !== 'string') start = Math.max(0, end - limit);
  }
  const page = all.slice(start, Math.min(end, start + limit));
  const hasMore = start + page.length < end;
  return { object: 'list', data: page.map(renderAgent), has_more: hasMore, next_cursor: hasMore ? page[page.length - 1]!.id : null, url: '/v1/agents' };
}
