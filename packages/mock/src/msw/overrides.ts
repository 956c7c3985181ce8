// Typed per-test overrides. REST: keys and replies come from @kallglot/client's generated `paths`, so a status
// the operation does not document, or a body of the wrong shape, is a compile error. Stream: faults and scripted
// transcripts are typed from @kallglot/stream's generated AsyncAPI messages.
import type { paths } from '@kallglot/client';
import type { KnownCloseCode, TranscriptFinal } from '@kallglot/stream';
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { ConnectOverrides } from '../stream/types.js';
import type { FaultSpec, Scenario, Utterance } from '../scenario.js';
import { mswPath } from './rest.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Defined<T> = Exclude<T, undefined>;

/** `'GET /v1/sessions/{session_id}'`, one per documented operation. */
export type OverrideKey = {
  [P in keyof paths & string]: {
    [M in Method]: Defined<paths[P][M]> extends { responses: unknown } ? `${Uppercase<M>} ${P}` : never;
  }[Method];
}[keyof paths & string];

type SplitKey<K extends string> = K extends `${infer M} ${infer P}` ? { method: Lowercase<M> & Method; path: P & keyof paths } : never;
type OperationOf<K extends OverrideKey> = Defined<paths[SplitKey<K>['path']][SplitKey<K>['method']]>;
type Responses<K extends OverrideKey> = OperationOf<K> extends { responses: infer R } ? R : never;
type JsonBody<R> = R extends { content: { 'application/json': infer B } } ? B : R extends { content?: never } ? null : unknown;
type PathParams<K extends OverrideKey> = OperationOf<K> extends { parameters: { path?: infer P } } ? (P extends Record<string, unknown> ? { [k in keyof P]: string } : Record<string, never>) : Record<string, never>;

/** One documented response: `status` picks which, and `body` must have that response's shape. */
export type OverrideReply<K extends OverrideKey> = {
  [S in keyof Responses<K>]: { status: S extends 'default' ? number : S; body: JsonBody<Responses<K>[S]>; headers?: Record<string, string> };
}[keyof Responses<K>];

export interface OverrideInfo<K extends OverrideKey> {
  request: Request;
  params: PathParams<K>;
}

export type OverrideResolver<K extends OverrideKey> = (info: OverrideInfo<K>) => OverrideReply<K> | Promise<OverrideReply<K>>;

export interface OverrideOptions {
  /** Answer only the first matching request, then fall back to the sandbox. */
  once?: boolean;
}

export function overrideHandler<K extends OverrideKey>(baseUrl: string, key: K, resolver: OverrideResolver<K>, options: OverrideOptions = {}): HttpHandler {
  const space = key.indexOf(' ');
  const method = key.slice(0, space).toLowerCase() as Method;
  const path = key.slice(space + 1);
  return http[method](
    `${baseUrl}${mswPath(path)}`,
    async ({ request, params }) => {
      const r = (await resolver({ request, params: params as unknown as PathParams<K> })) as { status: number; body: unknown; headers?: Record<string, string> };
      return HttpResponse.json(r.body as never, { status: r.status, headers: r.headers });
    },
    { once: options.once ?? false },
  );
}

type Final = TranscriptFinal;

/** One scripted turn: what the stream says once enough audio has arrived. Fields are the transcript.final's. */
export interface ScriptedTurn {
  text: Final['text'];
  speaker?: Final['speaker'];
  language?: Final['language'];
  /** Translations by language code; without one the stream makes `[xx] text`. */
  translations?: Record<string, string>;
  /** Audio (ms of 8 kHz μ-law) the client must send before this turn's final. Default 1500. */
  audioMs?: number;
  /** transcript.partial frames before the final. Default 2. */
  partials?: number;
}

/** Close codes of the stream's taxonomy (AsyncAPI `x-kallglot-close-codes`, generated). */
export type StreamCloseCode = KnownCloseCode;

export interface StreamScenario {
  /** Close every connection with this code (after `afterFrames` frames, or `afterMs`, else at once after session.ready). */
  closeWith?: StreamCloseCode;
  afterFrames?: number;
  afterMs?: number;
  /** Refuse the handshake with this close code (the client sees a failed connect). */
  refuseWith?: StreamCloseCode;
  /** Drop the connection (1006) after this many frames. */
  dropAfterFrames?: number;
  /** Delay every server frame by this much. */
  latencyMs?: number;
  /** The transcript the stream plays, paced by the audio received. */
  transcript?: ScriptedTurn[];
  /** Start over after the last turn. Default false for a scripted transcript. */
  loop?: boolean;
}

export function toConnectOverrides(s: StreamScenario, base: Scenario): ConnectOverrides {
  const faults: FaultSpec = {};
  if (s.closeWith !== undefined) {
    faults.close_code = s.closeWith;
    if (s.afterFrames !== undefined) faults.close_after_frames = s.afterFrames;
    else faults.close_after_ms = s.afterMs ?? 0;
  }
  if (s.refuseWith !== undefined) faults.refuse_with = s.refuseWith;
  if (s.dropAfterFrames !== undefined) faults.drop_after_frames = s.dropAfterFrames;
  if (s.latencyMs !== undefined) faults.latency_ms = s.latencyMs;
  const out: ConnectOverrides = { faults };
  if (s.transcript) {
    const utterances: Utterance[] = s.transcript.map((t) => ({ text: t.text, speaker: t.speaker, language: t.language, translations: t.translations, audio_ms: t.audioMs, partials: t.partials }));
    out.scenario = { name: 'msw-scripted', utterances, loop: s.loop ?? false, default_languages: base.default_languages };
  }
  return out;
}
