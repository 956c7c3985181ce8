// What the facade adds to the generated resources: pollers, the session → stream bridge, webhook unwrap.
import type { StreamClient } from '@kallglot/stream';
import type { Analyses, GeneratedResources, Recordings, Sessions } from '../generated/resources.js';
import type { WebhookEvent } from '../types.js';
import { SIGNATURE_HEADER, verifyWebhook, type VerifyWebhookOptions, type WebhookPayload } from '../webhooks.js';
import { connectSession, type SessionConnectOptions } from './connect.js';
import type { Body, Data } from './facade-types.js';
import { poll, type PollOptions } from './poll.js';

type Analysis = Data<'/v1/analyses/{analysis_id}', 'get'>;
type Recording = Data<'/v1/recordings/{recording_id}', 'get'>;
type Session = Data<'/v1/sessions/{session_id}', 'get'>;

export interface AnalysesHelpers {
  /** Queues the analysis of a session and polls it until `completed`. Throws `KallglotPollError` on `failed` or on `maxWaitMs`. */
  createAndPoll(sessionId: string, body?: Body<'/v1/sessions/{session_id}/analysis', 'post'>, options?: PollOptions): Promise<Analysis>;
}
export interface RecordingsHelpers {
  /** Polls a recording until `ready` (then `recordings.audio(id)` downloads it). Throws `KallglotPollError` on `failed` or on `maxWaitMs`. */
  waitUntilReady(recordingId: string, options?: PollOptions): Promise<Recording>;
}
export interface SessionsHelpers {
  /**
   * Opens the session's realtime stream (`@kallglot/stream`'s `connectStream`). A reconnect that needs a new
   * token gets it by retrieving the session. The stream code is loaded on the first call.
   */
  connect(sessionOrId: string | Pick<Session, 'id' | 'status' | 'stream'>, options?: SessionConnectOptions): Promise<StreamClient>;
}
export type WebhookHeaders = Headers | Record<string, string | readonly string[] | undefined>;
export interface Webhooks {
  /**
   * Verifies `Kallglot-Signature` over the RAW body and returns the typed event. Throws
   * `WebhookVerificationError` (with `reason`) when it does not verify.
   */
  unwrap(rawBody: WebhookPayload, headers: WebhookHeaders, secret: string, options?: Pick<VerifyWebhookOptions, 'toleranceSeconds' | 'now'>): Promise<WebhookEvent>;
}

export interface KallglotResources {
  readonly agents: GeneratedResources['agents'];
  readonly sessions: Sessions & SessionsHelpers;
  readonly recordings: Recordings & RecordingsHelpers;
  readonly analyses: Analyses & AnalysesHelpers;
  readonly webhooks: Webhooks;
}

function header(headers: WebhookHeaders, name: string) {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  const lower = name.toLowerCase();
  for (const k in headers) if (k.toLowerCase() === lower) return (headers as Record<string, string | readonly string[] | undefined>)[k];
  return undefined;
}

/** Adds the helpers to the generated resource objects (in place). */
export function addHelpers(r: GeneratedResources): KallglotResources {
  const { sessions, recordings, analyses } = r;
  Object.assign(analyses, {
    createAndPoll: async (sessionId, body, options = {}) => {
      const { idempotencyKey, ...rest } = options;
      const first = await sessions.analysis.create(sessionId, body, { ...rest, idempotencyKey });
      return poll('analysis', (o) => analyses.retrieve(first.id, o), 'completed', first, rest);
    },
  } satisfies AnalysesHelpers);
  Object.assign(recordings, {
    waitUntilReady: (recordingId, options) => poll('recording', (o) => recordings.retrieve(recordingId, o), 'ready', undefined, options),
  } satisfies RecordingsHelpers);
  Object.assign(sessions, {
    connect: (sessionOrId, options) => connectSession((id) => sessions.retrieve(id), sessionOrId, options),
  } satisfies SessionsHelpers);
  const webhooks: Webhooks = {
    unwrap: (rawBody, headers, secret, options) => verifyWebhook({ ...options, payload: rawBody, header: header(headers, SIGNATURE_HEADER) as string | undefined, secret }),
  };
  return Object.assign(r, { webhooks }) as unknown as KallglotResources;
}
