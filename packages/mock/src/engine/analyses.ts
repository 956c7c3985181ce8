// Analyses: 202 processing, completed after the configured delay; results derived from the transcript only,
// so the same transcript always gives the same analysis.
import { iso, type Ctx } from './context.js';
import { conflict, notFound } from './errors.js';
import { newId } from './ids.js';
import { getSession } from './session-lookup.js';
import type { AnalysisRecord, JsonObject, Turn } from './types.js';

const ALL = ['summary', 'sentiment', 'compliance', 'keywords', 'performance'];
const STOP = new Set(
  'a an and are as at be but by can do for from have hello hi how i i\'m in is it its me my no not of on or our so that the this to was we what when with you your yes please thanks thank'.split(' '),
);
const POSITIVE = /\b(thanks?|thank you|great|good|perfect|happy|glad|resolved|excellent|love|gracias|danke|merci)\b/i;
const NEGATIVE = /\b(problem|issue|broken|angry|bad|wrong|late|refund|cancel|complain|terrible|never|not working)\b/i;
const FLAGS: [RegExp, string][] = [
  [/\b(card number|credit card|cvv)\b/i, 'Payment card details were spoken.'],
  [/\b(password|pin)\b/i, 'A password or PIN was spoken.'],
];

function sentimentOf(turns: Turn[]): string {
  let score = 0;
  for (const t of turns) score += (POSITIVE.test(t.text) ? 1 : 0) - (NEGATIVE.test(t.text) ? 1 : 0);
  return score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral';
}

export function deriveResults(turns: Turn[], include: string[]): JsonObject {
  const out: JsonObject = {};
  if (include.includes('summary')) {
    const speakers = [...new Set(turns.map((t) => t.speaker))].join(' and ');
    const first = turns[0]?.text ?? '';
    out.summary = `${turns.length} turn${turns.length === 1 ? '' : 's'} between ${speakers}. It opened with: "${first.slice(0, 200)}"`;
  }
  if (include.includes('sentiment')) {
    out.sentiment = { customer: sentimentOf(turns.filter((t) => t.speaker === 'customer')), agent: sentimentOf(turns.filter((t) => t.speaker === 'agent')) };
  }
  if (include.includes('compliance')) {
    const all = turns.map((t) => t.text).join(' ');
    const flags = FLAGS.filter(([re]) => re.test(all)).map(([, m]) => m);
    out.compliance = { status: flags.length ? 'flagged' : 'passed', flags };
  }
  if (include.includes('keywords')) {
    const counts = new Map<string, number>();
    for (const t of turns) for (const w of t.text.toLowerCase().match(/[\p{L}\p{N}']{3,}/gu) ?? []) if (!STOP.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
    out.keywords = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10).map(([w]) => w.slice(0, 100));
  }
  if (include.includes('performance')) {
    const agent = turns.filter((t) => t.speaker === 'agent').length;
    const balance = turns.length ? 1 - Math.abs(agent / turns.length - 0.5) : 0;
    out.performance = { score: Math.round(balance * 100) / 100 };
  }
  return out;
}

function render(a: AnalysisRecord): JsonObject {
  const out: JsonObject = { id: a.id, object: 'analysis', session_id: a.sessionId, call_id: a.callId, profile: a.profile, status: a.status };
  if (a.results) Object.assign(out, a.results);
  out.error = a.error ?? null;
  out.created_at = iso(a.createdAt);
  out.completed_at = a.completedAt !== undefined ? iso(a.completedAt) : null;
  return out;
}

export function createAnalysis(ctx: Ctx, sessionId: string, body: JsonObject | undefined): JsonObject {
  const s = getSession(ctx, sessionId);
  if (!s.turns.length) throw conflict('transcript_not_available', 'The session has no transcript yet: stream audio first.');
  ctx.tenant.requireCredit();
  const now = ctx.clock.now();
  const include = Array.isArray(body?.include) ? (body!.include as string[]) : ALL;
  const a: AnalysisRecord = {
    id: newId('anl', now),
    sessionId: s.id,
    callId: s.call?.id ?? null,
    profile: typeof body?.profile === 'string' ? body.profile : 'default',
    include,
    status: 'processing',
    createdAt: now,
  };
  ctx.tenant.analyses.set(a.id, a);
  ctx.tenant.spendCredit();
  ctx.clock.schedule(now + ctx.settings.analysisDelayMs, 'analysis.finish', { tenant: ctx.tenant.key, analysisId: a.id });
  return render(a);
}

/** Clock task. `metadata.kallglot_mock_analysis: "fail"` on the session makes it fail (to exercise analysis.failed). */
export function finishAnalysis(ctx: Ctx, id: string): void {
  const a = ctx.tenant.analyses.get(id);
  if (!a || a.status !== 'processing') return;
  const s = ctx.tenant.sessions.get(a.sessionId);
  a.completedAt = ctx.clock.now();
  if (!s || s.metadata?.kallglot_mock_analysis === 'fail') {
    a.status = 'failed';
    a.error = s ? 'The analysis failed (requested by metadata.kallglot_mock_analysis).' : 'The session no longer exists.';
    ctx.emit('analysis.failed', render(a), a.sessionId);
    return;
  }
  a.status = 'completed';
  a.results = deriveResults(s.turns, a.include);
  ctx.emit('analysis.complete', render(a), a.sessionId);
}

export function retrieveAnalysis(ctx: Ctx, id: string): JsonObject {
  const a = ctx.tenant.analyses.get(id);
  if (!a) throw notFound('analysis_not_found', 'analysis', id, 'analysis_id');
  return render(a);
}
