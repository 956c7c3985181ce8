// The reference model for the model-based test: a deliberately small re-statement of the sandbox's rules.
import { canonicalJson } from '../../src/engine-entry.js';

export type Cmd =
  | { k: 'createSession'; t: number; rec: boolean; agent: number | null; idem: string | null; variant: number }
  | { k: 'getSession' | 'endSession' | 'dial' | 'hangup' | 'transcript'; t: number; ref: number }
  | { k: 'final'; ref: number; text: string; speaker: 'agent' | 'customer' }
  | { k: 'advance'; ms: number }
  | { k: 'createAgent'; t: number; idem: string | null; variant: number; shuffle: boolean }
  | { k: 'getAgent' | 'deleteAgent'; t: number; ref: number }
  | { k: 'patchAgent'; t: number; ref: number; clear: boolean; temperature: number }
  | { k: 'listAgents'; t: number; limit: number; after: boolean };

export interface Expect {
  status: number;
  code?: string;
  /** Fields the answer must have (deep-equal on each). */
  fields?: Record<string, unknown>;
  /** When set, the whole body must equal this earlier answer (idempotent replay). */
  replayOf?: unknown;
  /** For lists: ids in order. */
  ids?: string[];
}

interface MSession {
  id: string;
  owner: number;
  mode: string;
  rec: boolean;
  status: 'created' | 'active' | 'ended';
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  turns: { sequence: number; speaker: string; text: string }[];
  call: { dialAt: number; hungUp: boolean } | null;
}

interface MAgent {
  id: string;
  owner: number;
  fields: Record<string, unknown>;
  deleted: boolean;
}

export const KEYS = ['sk_test_model_a', 'sk_test_model_b'];
export const MODES = ['bidirectional_translation', 'assistive_translation'];
const RING = 1000;
const CONNECT = 3000;

export class Model {
  sessions: MSession[] = [];
  agents: MAgent[] = [];
  credits = [0, 0];
  idem = [new Map<string, { canon: string; body: unknown; status: number }>(), new Map<string, { canon: string; body: unknown; status: number }>()];
  cursor: (string | null)[] = [null, null];
  constructor(
    public now: number,
    credits: number,
  ) {
    this.credits = [credits, credits];
  }

  session(t: number, ref: number): MSession | undefined {
    const s = this.sessions[ref % Math.max(1, this.sessions.length)];
    return s && s.owner === t ? s : undefined;
  }

  agent(t: number, ref: number): MAgent | undefined {
    const a = this.agents[ref % Math.max(1, this.agents.length)];
    return a && a.owner === t && !a.deleted ? a : undefined;
  }

  sessionRefId(ref: number): string {
    return this.sessions[ref % Math.max(1, this.sessions.length)]?.id ?? 'sess_Unknown0';
  }

  agentRefId(ref: number): string {
    return this.agents[ref % Math.max(1, this.agents.length)]?.id ?? 'agt_Unknown0';
  }

  callStatus(s: MSession): string | null {
    if (!s.call) return null;
    if (s.call.hungUp) return 'ended';
    const age = this.now - s.call.dialAt;
    return age < RING ? 'dialing' : age < CONNECT ? 'ringing' : 'connected';
  }

  callActive(s: MSession): boolean {
    const c = this.callStatus(s);
    return c === 'dialing' || c === 'ringing' || c === 'connected';
  }

  duration(s: MSession): number {
    return ((s.endedAt ?? this.now) - (s.startedAt ?? s.createdAt)) / 1000;
  }

  sessionView(s: MSession): Record<string, unknown> {
    return { id: s.id, status: s.status, mode: s.mode, recording: { enabled: s.rec }, duration_seconds: s.status === 'ended' ? this.duration(s) : null };
  }

  /** Idempotency in front of an operation: a replay, a mismatch, or undefined (run it). */
  idemCheck(t: number, slot: string | null, body: unknown): Expect | undefined {
    if (!slot) return undefined;
    const prev = this.idem[t]!.get(slot);
    if (!prev) return undefined;
    if (prev.canon !== canonicalJson(body)) return { status: 400, code: 'idempotency_mismatch' };
    return { status: prev.status, replayOf: prev.body };
  }

  remember(t: number, slot: string | null, body: unknown, status: number, answer: unknown) {
    if (slot && status < 300) this.idem[t]!.set(slot, { canon: canonicalJson(body), body: answer, status });
  }

  listPage(t: number, limit: number, after: string | null): Expect {
    const live = this.agents.filter((a) => a.owner === t && !a.deleted).reverse();
    let start = 0;
    if (after) {
      const i = live.findIndex((a) => a.id === after);
      if (i < 0) return { status: 400, code: 'invalid_request' };
      start = i + 1;
    }
    const page = live.slice(start, start + limit);
    const more = start + page.length < live.length;
    return { status: 200, ids: page.map((a) => a.id), fields: { has_more: more, next_cursor: more ? page[page.length - 1]!.id : null } };
  }
}
