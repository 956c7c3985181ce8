// A small typed helper for the control plane (`/_mock/…`), for tests and tools. Plain fetch: runs anywhere.
export interface MockClockState {
  now: string;
  now_ms: number;
  scale: number;
  pending_tasks: number;
  next_task_at: string | null;
}

export interface MockWebhookRecord {
  id: string;
  type: string;
  created_at: string;
  session_id?: string;
  payload: Record<string, unknown> & { type: string; data: Record<string, unknown> };
  headers: Record<string, string>;
  secret: string;
  deliveries: { url: string; attempt: number; retry_count: number; at: string; status?: number; error?: string }[];
}

export interface MockStateSnapshot {
  clock: MockClockState;
  sizes: Record<string, number>;
  caps: Record<string, number>;
  tenants: Record<string, Record<string, unknown>>;
}

export interface MockSeedFixture {
  tenants?: Record<string, { credits?: number; agents?: Record<string, unknown>[]; sessions?: Record<string, unknown>[] }>;
}

export interface MockAudioDiagnostic {
  code: 'wav_header' | 'too_fast' | 'pcm16_bytes' | 'frame_duration';
  /** True for the problems `--strict-audio` answers with `session.error` `invalid_audio_format`. */
  fatal: boolean;
  message: string;
  sequence?: number;
  /** Audio received when it showed, in ms. */
  audio_ms: number;
  session_id: string;
  at: string;
}

export interface MockControl {
  reset(): Promise<void>;
  state(opts?: { full?: boolean }): Promise<MockStateSnapshot>;
  seed(fixture: MockSeedFixture): Promise<{ seeded: { agents: number; sessions: number } }>;
  clock(): Promise<MockClockState>;
  advance(ms: number): Promise<MockClockState & { tasks_run: number }>;
  webhooks(filter?: { sessionId?: string; type?: string }): Promise<MockWebhookRecord[]>;
  /** The audio diagnostics the stream kept for a session (`GET /_mock/sessions/{id}/diagnostics`). */
  diagnostics(sessionId: string): Promise<MockAudioDiagnostic[]>;
}

/** `baseUrl` is the REST mock's URL (e.g. http://127.0.0.1:4010). */
export function createMockControl(baseUrl: string, fetchImpl: typeof fetch = fetch): MockControl {
  const base = baseUrl.replace(/\/$/, '');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetchImpl(`${base}/_mock${path}`, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T & { error?: { message?: string } };
    if (!res.ok) throw new Error(`mock control ${method} ${path}: ${res.status} ${json.error?.message ?? ''}`);
    return json;
  };
  return {
    reset: async () => void (await call('POST', '/reset')),
    state: (o) => call('GET', o?.full ? '/state?full=true' : '/state'),
    seed: (f) => call('POST', '/seed', f),
    clock: () => call('GET', '/clock'),
    advance: (ms) => call('POST', '/clock/advance', { ms }),
    webhooks: async (f = {}) => {
      const q = new URLSearchParams();
      if (f.sessionId) q.set('session_id', f.sessionId);
      if (f.type) q.set('type', f.type);
      const s = q.toString();
      return (await call<{ data: MockWebhookRecord[] }>('GET', `/webhooks${s ? `?${s}` : ''}`)).data;
    },
    diagnostics: async (sessionId) => (await call<{ data: MockAudioDiagnostic[] }>('GET', `/sessions/${encodeURIComponent(sessionId)}/diagnostics`)).data,
  };
}
