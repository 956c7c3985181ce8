// The pipeline's plain request and response: what every adapter (node:http, MSW) turns its own objects into.

/** Request headers by lower-case name (node's IncomingMessage.headers has this shape). */
export type HeaderBag = Record<string, string | string[] | undefined>;

/** Thrown (or rejected) by `PlainRequest.readBody` when the body passes the pipeline's cap. */
export class BodyTooLarge extends Error {
  constructor() {
    super('request body too large');
  }
}

/** Rejected by `PlainRequest.readBody` when the body has not arrived within the adapter's deadline. */
export class BodyTimeout extends Error {
  constructor(readonly ms: number) {
    super('request body timed out');
  }
}

export interface PlainRequest {
  /** Upper-case method. */
  method: string;
  /** Percent-encoded path, no query. */
  pathname: string;
  /** `?…` as sent, or ''. */
  search: string;
  query: URLSearchParams;
  headers: HeaderBag;
  /** Content-Length when the client declared one. */
  declaredLength?: number;
  /** False when the request carries no body at all (the reader is then never called). */
  hasBody: boolean;
  /** Reads the body at most once, after auth and the declared-size check; rejects with BodyTooLarge past `limit` (read no further), BodyTimeout past the adapter's deadline. */
  readBody(limit: number): Promise<Uint8Array>;
}

export interface PlainResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
  /** The adapter should close the connection after answering (an oversized upload is not drained). */
  close?: boolean;
}
