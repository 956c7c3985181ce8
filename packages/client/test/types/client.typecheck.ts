// Type-level tests, checked by `tsc --noEmit -p test/types/tsconfig.json` (see test/types.test.ts).
// Every `@ts-expect-error` line must fail to compile; an unused one fails the check.
import type { Writable } from 'openapi-typescript-helpers';
import {
  createKallglotClient,
  KallglotApiError,
  KallglotResponseTooLargeError,
  unwrap,
  verifyWebhook,
  type components,
  type ListItem,
  type Schema,
  type WebhookEvent,
  type WebhookEventOf,
} from '../../src/index.js';

const client = createKallglotClient({ apiKey: 'sk_test_types' });

export async function requestBodies() {
  // Required fields are required.
  await client.POST('/v1/agents', { body: { name: 'Support', system_prompt: 'Be kind.' } });
  // @ts-expect-error system_prompt is required
  await client.POST('/v1/agents', { body: { name: 'Support' } });
  // @ts-expect-error mode is required to create a session
  await client.POST('/v1/sessions', { body: { source_language: 'en' } });
  // @ts-expect-error the body itself is required
  await client.POST('/v1/agents', {});

  // readOnly fields (id, object, created_at, updated_at) are not accepted in request bodies.
  // @ts-expect-error id is readOnly
  await client.POST('/v1/agents', { body: { name: 'S', system_prompt: 'p', id: 'agt_1' } });
  // @ts-expect-error created_at is readOnly
  await client.PATCH('/v1/agents/{agent_id}', { params: { path: { agent_id: 'agt_1' } }, body: { created_at: '2026-01-01T00:00:00Z' } });
  // @ts-expect-error provider is response-only: never send it in a create-session request
  await client.POST('/v1/sessions', { body: { mode: 'ai_agent', provider: 'twilio' } });

  // The same rule at the schema level: openapi-fetch's Writable<> turns $Read fields into `never`.
  const agentWrite: Writable<components['schemas']['Agent']> = { name: 'S', system_prompt: 'p' } as never;
  // @ts-expect-error readOnly id cannot be assigned in a writable Agent
  agentWrite.id = 'agt_1';
  // ...while responses keep them.
  const agentRead: Schema<'Agent'> = {} as Schema<'Agent'>;
  const id: string = agentRead.id;
  void id;

  // Path parameters are required and typed.
  // @ts-expect-error params.path.session_id is required
  await client.GET('/v1/sessions/{session_id}', {});
  // @ts-expect-error unknown path
  await client.GET('/v1/session');
  // @ts-expect-error hangup is a POST, not a GET
  await client.GET('/v1/sessions/{session_id}/hangup', { params: { path: { session_id: 'sess_1' } } });

  // Per-request overrides are typed.
  await client.GET('/v1/agents', { maxRetries: 0, timeoutMs: 5_000, signal: AbortSignal.timeout(1_000) });
  // @ts-expect-error maxRetries is a number
  await client.GET('/v1/agents', { maxRetries: 'never' });
}

export async function responses() {
  const { data, error, meta } = await client.POST('/v1/sessions', { body: { mode: 'bidirectional_translation' } });
  if (data) {
    const s: string = data.id;
    const status: 'created' | 'active' | 'ended' | (string & {}) = data.status;
    // nullable fields stay nullable
    // @ts-expect-error source_language may be null
    const lang: string = data.source_language;
    void s, status, lang;
  }
  if (error) {
    const code: string = error.error.code;
    void code;
  }
  const remaining: number | undefined = meta.credits.remaining;
  void remaining;

  const agents = await unwrap(client.GET('/v1/agents'));
  const first: string | undefined = agents.data[0]?.id;
  void first;

  for await (const rec of client.paginate('/v1/sessions/{session_id}/recordings', { params: { path: { session_id: 'sess_1' } } })) {
    const recId: string = rec.id;
    void recId;
  }
  const item: ListItem<'/v1/agents'> = {} as ListItem<'/v1/agents'>;
  void item.name;
  // @ts-expect-error only list routes can be paginated
  client.paginate('/v1/sessions/{session_id}', { params: { path: { session_id: 'sess_1' } } });

  const audio = await client.downloadRecordingAudio('rec_1');
  const stream: ReadableStream<Uint8Array> = audio.data;
  const buf: ArrayBuffer = (await client.downloadRecordingAudio('rec_1', { as: 'arrayBuffer' })).data;
  void stream, buf;
}

export async function webhooks(raw: string, header: string) {
  const event: WebhookEvent = await verifyWebhook({ payload: raw, header, secret: 'whsec_x' });
  switch (event.type) {
    case 'session.ended': {
      const ended: WebhookEventOf<'session.ended'> = event;
      void ended.data;
      break;
    }
    case 'analysis.complete':
      void event.data;
      break;
    default:
      void event.id;
  }
  // @ts-expect-error not an event type in the spec
  const bogus: WebhookEvent['type'] = 'session.exploded';
  void bogus;
}

// The README's "Types" snippet.
export type ReadmeSession = Schema<'Session'>;
export type ReadmeEnded = WebhookEventOf<'session.ended'>;
export type ReadmeAgent = ListItem<'/v1/agents'>;
export type ReadmePaths = keyof import('../../src/index.js').paths;

// Thrown errors carry the spec's unions, kept open for codes a newer server may add.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export function thrownErrors(err: unknown) {
  if (!(err instanceof KallglotApiError)) return;
  const exactCode: Equals<typeof err.code, components['schemas']['ErrorCode'] | (string & {}) | undefined> = true;
  const exactType: Equals<typeof err.type, components['schemas']['ErrorType'] | (string & {}) | undefined> = true;
  // The known values are part of the type (so they autocomplete and narrow), not swallowed by `string`.
  const known: Extract<Exclude<typeof err.code, undefined>, 'insufficient_api_credits'> = 'insufficient_api_credits';
  const knownType: Extract<Exclude<typeof err.type, undefined>, 'rate_limit_error'> = 'rate_limit_error';
  // @ts-expect-error a value outside the spec's list is not one of the known literals
  const unknownLiteral: Extract<Exclude<typeof err.code, undefined>, 'not_a_spec_code'> = 'not_a_spec_code';
  // Comparing narrows away the other known codes.
  if (err.code === 'insufficient_api_credits') {
    // @ts-expect-error after the check the code can no longer be rate_limit_exceeded
    const other: Extract<typeof err.code, 'rate_limit_exceeded'> = 'rate_limit_exceeded';
    void other;
  }
  // Lists of codes can be checked against the spec.
  const retryable = ['rate_limit_exceeded', 'service_unavailable'] as const satisfies readonly components['schemas']['ErrorCode'][];
  // @ts-expect-error a misspelled code is caught
  const typo = ['rate_limit_exeeded'] as const satisfies readonly components['schemas']['ErrorCode'][];
  void retryable, typo;
  // A code from a newer server still compares and assigns to string.
  const future: boolean = err.code === 'some_future_code';
  const asString: string | undefined = err.code;
  // @ts-expect-error code is a string union, not a number
  const asNumber: number = err.code;
  if (err instanceof KallglotResponseTooLargeError) void (err.limit satisfies number);
  void exactCode, exactType, known, knownType, unknownLiteral, future, asString, asNumber;
}
