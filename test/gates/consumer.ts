// A fixed consumer of the generated client types, written against test/baseline/client-openapi.ts (the
// last released types). The gate type-checks it against the baseline (it must compile: the file itself is
// right) and against the freshly generated packages/client/src/generated/openapi.ts (it must still compile:
// regenerating the types broke no existing user code). `kallglot-client-types` is mapped by
// tsconfig.consumer-*.json. Never run, only type-checked. Do not "fix" it for a new spec: a compile error
// here means the spec change is breaking for TypeScript users.
import createClient from 'openapi-fetch';
import type { operations, paths } from 'kallglot-client-types';

const client = createClient<paths>({ baseUrl: 'https://api.kallglot.com' });

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
// Users index responses by documented status; a changed success status breaks this line.
export type CreatedSession = Json<operations['createSession']['responses'][201]>;
export const createdId = (s: CreatedSession): string => s.id;
type SessionStatusName = NonNullable<Json<operations['retrieveSession']['responses'][200]>>['status'];

export function describeStatus(status: SessionStatusName): string {
  // Exhaustive: a status value the old types did not know breaks this switch.
  switch (status) {
    case 'created':
      return 'waiting for audio';
    case 'active':
      return 'streaming';
    case 'ended':
      return 'over';
    default: {
      const never: never = status;
      return never;
    }
  }
}

export async function createAndStream(): Promise<string | undefined> {
  const { data, error, response } = await client.POST('/v1/sessions', {
    headers: { 'Idempotency-Key': '550e8400-e29b-41d4-a716-446655440000' },
    body: {
      mode: 'bidirectional_translation',
      source_language: 'en',
      target_language: 'es',
      routing: { phone_number: '+14155551234' },
      recording: { enabled: true },
      metadata: { ticket: '4711' },
    },
  });
  if (error) {
    const e = error.error;
    const text: string = `${e.type} ${e.code}: ${e.message} (${e.param ?? '-'}, ${e.request_id ?? '-'})`;
    const wait: number | undefined = e.retry_after;
    return `${response.status} ${text} ${wait ?? ''}`;
  }
  const id: string = data.id;
  // created_at and mode became optional in the baseline of issue 11 (see baseline/NOTES.md).
  const created: string | undefined = data.created_at;
  const kind: 'session' = data.object;
  const label = describeStatus(data.status);
  const url: string | undefined = data.stream ? `${data.stream.url}?token=${data.stream.token}` : undefined;
  const expires: string | undefined = data.stream?.expires_at;
  void [id, created, kind, label, expires];
  return url;
}

export async function readSession(sessionId: string) {
  const { data } = await client.GET('/v1/sessions/{session_id}', { params: { path: { session_id: sessionId } } });
  if (!data) return;
  const mode: 'bidirectional_translation' | 'assistive_translation' | 'ai_agent' | 'help_chat_voice' | undefined = data.mode;
  const src: string | null | undefined = data.source_language;
  return { mode, src, status: describeStatus(data.status) };
}

export async function endAndTranscript(sessionId: string) {
  const ended = await client.POST('/v1/sessions/{session_id}/end', { params: { path: { session_id: sessionId } } });
  const seconds: number | undefined = ended.data?.duration_seconds;
  const { data: transcript } = await client.GET('/v1/sessions/{session_id}/transcript', {
    params: { path: { session_id: sessionId } },
  });
  const lines: string[] = [];
  for (const turn of transcript?.turns ?? []) {
    const seq: number = turn.sequence;
    const text: string = turn.text;
    const translated: string | undefined = turn.translation?.text;
    lines.push(`${seq} ${turn.speaker}: ${text}${translated ? ` / ${translated}` : ''}`);
  }
  const done: boolean = transcript?.status === 'completed';
  return { seconds, lines, done };
}

export async function recordingsAndAnalysis(sessionId: string) {
  const { data: list } = await client.GET('/v1/sessions/{session_id}/recordings', {
    params: { path: { session_id: sessionId } },
  });
  const ids: string[] = (list?.data ?? []).map((r) => r.id);
  if (ids[0]) {
    const { data: rec } = await client.GET('/v1/recordings/{recording_id}', { params: { path: { recording_id: ids[0] } } });
    const format: string | undefined = rec?.format;
    void format;
  }
  const { data: analysis } = await client.POST('/v1/sessions/{session_id}/analysis', {
    params: { path: { session_id: sessionId } },
    body: { profile: 'default', include: ['summary', 'sentiment'] },
  });
  if (analysis) {
    const again = await client.GET('/v1/analyses/{analysis_id}', { params: { path: { analysis_id: analysis.id } } });
    const status: 'processing' | 'completed' | 'failed' | undefined = again.data?.status;
    return status;
  }
  return undefined;
}

export async function agents() {
  const { data } = await client.GET('/v1/agents', { params: { query: { limit: 10 } } });
  const names: string[] = (data?.data ?? []).map((a) => a.id);
  const more: boolean | undefined = data?.has_more;
  return { names, more };
}
