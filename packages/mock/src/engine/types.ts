// Plain data the engine stores. Timestamps are virtual-clock ms; responses render them as ISO 8601.
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface Turn {
  sequence: number;
  speaker: string;
  language: string;
  text: string;
  translation?: { language: string; text: string };
  timestamp: string;
}

export interface CallRecord {
  id: string;
  status: 'dialing' | 'ringing' | 'connected' | 'ended' | 'failed';
  direction: 'outbound' | 'inbound';
  provider: string | null;
  to: string | null;
  from: string | null;
  connectedAt?: number;
  endedAt?: number;
}

export interface SessionRecord {
  id: string;
  mode: string;
  provider: string | null;
  phoneNumber: string | null;
  sourceLanguage: string | null;
  targetLanguage: string | null;
  recording: boolean;
  metadata: JsonObject | null;
  aiAgent?: JsonObject;
  status: 'created' | 'active' | 'ended';
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  endReason?: string;
  token?: { token: string; expiresAt: number };
  call: CallRecord | null;
  turns: Turn[];
  /** μ-law bytes streamed so far (kept for the recording, capped). */
  audio: Uint8Array[];
  audioBytes: number;
  recordingId?: string;
  /** Scenario the stream mock plays (metadata.kallglot_mock_scenario). */
  scenario?: string;
}

export interface AgentRecord {
  id: string;
  fields: JsonObject;
  createdAt: number;
  updatedAt: number;
}

export interface RecordingRecord {
  id: string;
  sessionId: string;
  status: 'processing' | 'ready' | 'failed';
  createdAt: number;
  durationSeconds: number;
  mp3?: Uint8Array;
  expiresAt: number;
}

export interface AnalysisRecord {
  id: string;
  sessionId: string;
  callId: string | null;
  profile: string;
  include: string[];
  status: 'processing' | 'completed' | 'failed';
  createdAt: number;
  completedAt?: number;
  results?: JsonObject;
  error?: string;
}

export interface EngineResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Binary answers (the MP3); `body` is then unused. */
  bytes?: Uint8Array;
  contentType?: string;
  /** `body` as JSON text, built by `handle` before the request's changes are kept. */
  text?: string;
}

export interface EngineRequest {
  operationId: string;
  /** The API key: the tenant whose state the request sees. */
  tenant: string;
  params: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
  idempotencyKey?: string;
}
