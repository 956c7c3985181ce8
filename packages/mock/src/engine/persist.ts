// The whole engine state as JSON (for --state-file) and back. Bytes travel as base64.
import { base64ToBytes, bytesToBase64, concatBytes } from './audio.js';
import type { Clock, Task } from './clock.js';
import type { EngineEvent, EventLog } from './events.js';
import type { Tenant } from './tenants.js';
import type { TokenEntry, TokenStore } from './tokens.js';
import type { AgentRecord, AnalysisRecord, RecordingRecord, SessionRecord } from './types.js';

export interface StateFile {
  version: 1;
  now: number;
  tasks: Task[];
  tokens: TokenEntry[];
  events: EngineEvent[];
  tenants: {
    key: string;
    creditsRemaining: number;
    creditsUsed: number;
    sessions: (Omit<SessionRecord, 'audio'> & { audio: string })[];
    agents: AgentRecord[];
    recordings: (Omit<RecordingRecord, 'mp3'> & { mp3?: string })[];
    analyses: AnalysisRecord[];
    idempotency: [string, { hash: string; status: number; body: unknown; expiresAt: number }][];
  }[];
}

const ENGINE_TASKS = new Set(['recording.finish', 'analysis.finish', 'call.progress']);

export function dumpState(tenants: Map<string, Tenant>, tokens: TokenStore, events: EventLog, clock: Clock): StateFile {
  return {
    version: 1,
    now: clock.now(),
    tasks: clock.dump((k) => ENGINE_TASKS.has(k)),
    tokens: [...tokens.map.values()],
    events: events.dump(),
    tenants: [...tenants.values()].map((t) => ({
      key: t.key,
      creditsRemaining: t.creditsRemaining,
      creditsUsed: t.creditsUsed,
      sessions: [...t.sessions.values()].map((s) => ({ ...s, audio: bytesToBase64(concatBytes(s.audio, s.audioBytes)) })),
      agents: [...t.agents.values()],
      recordings: [...t.recordings.values()].map((r) => ({ ...r, mp3: r.mp3 ? bytesToBase64(r.mp3) : undefined })),
      analyses: [...t.analyses.values()],
      idempotency: [...t.idempotency.done.entries()],
    })),
  };
}

interface Loader {
  newTenant(key: string): Tenant;
  putTenant(t: Tenant): void;
}

export function loadState(state: StateFile, into: Loader, tokens: TokenStore, events: EventLog, clock: Clock): void {
  if (!state || state.version !== 1) throw new Error('Unknown state file version.');
  clock.load(state.now, state.tasks ?? []);
  for (const e of state.tokens ?? []) tokens.map.set(e.token, e);
  events.load(state.events ?? []);
  for (const ts of state.tenants ?? []) {
    const t = into.newTenant(ts.key);
    t.creditsRemaining = ts.creditsRemaining;
    t.creditsUsed = ts.creditsUsed;
    for (const s of ts.sessions) {
      const audio = s.audio ? base64ToBytes(s.audio) : new Uint8Array(0);
      t.sessions.set(s.id, { ...s, audio: audio.length ? [audio] : [], audioBytes: audio.length });
    }
    for (const a of ts.agents) t.agents.set(a.id, a);
    for (const r of ts.recordings) t.recordings.set(r.id, { ...r, mp3: r.mp3 ? base64ToBytes(r.mp3) : undefined });
    for (const a of ts.analyses) t.analyses.set(a.id, a);
    for (const [k, v] of ts.idempotency) t.idempotency.done.set(k, v);
    into.putTenant(t);
  }
}
