// What every resource function gets: the tenant, the clock, shared stores and the engine's settings.
import type { Clock } from './clock.js';
import type { Tenant } from './tenants.js';
import type { TokenStore } from './tokens.js';
import type { JsonObject } from './types.js';

export interface EngineSettings {
  /** Base of the stream URLs handed out, e.g. `ws://127.0.0.1:4011`. */
  streamBaseUrl: string;
  /** Virtual ms between session end and recording ready. */
  recordingDelayMs: number;
  /** Virtual ms between analysis request and completion. */
  analysisDelayMs: number;
  /** Virtual ms for a dialled call to ring, then to connect. */
  callRingMs: number;
  callConnectMs: number;
  /** μ-law bytes kept per session for its recording (8000 = 1 s). */
  maxAudioBytes: number;
  recordingRetentionMs: number;
  /** MP3 encoder (μ-law in, MP3 out); injected so the engine stays free of codecs it does not need. */
  encodeMp3: (mulaw: Uint8Array) => Uint8Array;
}

export interface Ctx {
  tenant: Tenant;
  clock: Clock;
  tokens: TokenStore;
  settings: EngineSettings;
  emit(type: string, data: JsonObject, sessionId?: string): void;
}

export const iso = (ms: number) => new Date(ms).toISOString();
