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

export interface MockWebhookPage {
  object: 'list';
  data: MockWebhookRecord[];
  has_more: boolean;
  /** Pass as `startingAfter` for the next page; null on the last one. */
  next_cursor: string | null;
}

export interface MockWebhookFilter {
  sessionId?: string;
  type?: string;
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
  /** Every recorded event that matches (oldest first), following the pages. */
  webhooks(filter?: MockWebhookFilter): Promise<MockWebhookRecord[]>;
  /** One page: `limit` 1…1000 (default 100), `startingAfter` = the previous page's `next_cursor`. */
  webhooksPage(filter?: MockWebhookFilter & { limit?: number; startingAfter?: string }): Promise<MockWebhookPage>;
  /** The audio diagnostics the stream kept for a session (`GET /_mock/sessions/{id}/diagnostics`). */
  diagnostics(sessionId: string): Promise<MockAudioDiagnostic[]>;
}

export interface MockControlOptions {
  /** The mock's `--control-token` / `controlToken`, sent as `Authorization: Bearer <token>`. */
  token?: string;
  fetch?: typeof fetch;
}

/** `baseUrl` is the REST mock's URL (e.g. http://127.0.0.1:4010). The second argument may also be a fetch function. */
export function createMockControl(baseUrl: string, options: MockControlOptions | typeof fetch = {}): MockControl {
  const opts = typeof options === 'function' ? { fetch: options } : options;
  const fetchImpl = opts.fetch ?? fetch;
  const base = baseUrl.replace(/\/$/, '');
  const auth: Record<string, string> = opts.token ? { Authorization: `Bearer ${opts.token}` } : {};
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    // Writes always carry a JSON body: the control plane refuses other content types (they could come from any web page).
    const write = method !== 'GET';
    const res = await fetchImpl(`${base}/_mock${path}`, {
      method,
      headers: write ? { ...auth, 'Content-Type': 'application/json' } : auth,
      body: write ? JSON.stringify(body ?? {}) : undefined,
    });
    const json = (await res.json()) as T & { error?: { message?: string } };
    if (!res.ok) throw new Error(`mock control ${method} ${path}: ${res.status} ${json.error?.message ?? ''}`);
    return json;
  };
  const webhooksPage: MockControl['webhooksPage'] = (f = {}) => {
    const q = new URLSearchParams();
    if (f.sessionId) q.set('session_id', f.sessionId);
    if (f.type) q.set('type', f.type);
    if (f.limit !== undefined) q.set('limit', String(f.limit));
    if (f.startingAfter) q.set('starting_after', f.startingAfter);
    const s = q.toString();
    return call<MockWebhookPage>('GET', `/webhooks${s ? `?${s}` : ''}`);
  };
  return {
    reset: async () => void (await call('POST', '/reset')),
    state: (o) => call('GET', o?.full ? '/state?full=true' : '/state'),
    seed: (f) => call('POST', '/seed', f),
    clock: () => call('GET', '/clock'),
    advance: (ms) => call('POST', '/clock/advance', { ms }),
    webhooksPage,
    webhooks: async (f = {}) => {
      const all: MockWebhookRecord[] = [];
      let startingAfter: string | undefined;
      do {
        const page = await webhooksPage({ ...f, limit: 1000, startingAfter });
        all.push(...page.data);
        startingAfter = page.next_cursor ?? undefined;
      } while (startingAfter);
      return all;
    },
    diagnostics: async (sessionId) => (await call<{ data: MockAudioDiagnostic[] }>('GET', `/sessions/${encodeURIComponent(sessionId)}/diagnostics`)).data,
  };
}
