import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { Options, ValidateFunction } from 'ajv';

export type { ValidateFunction, ErrorObject } from 'ajv';
export type JsonDocument = Record<string, unknown>;

export declare const HTTP_METHODS: readonly string[];
/** The bundled document shipped with @kallglot/spec, freshly parsed. */
export declare function loadBundled(name: 'openapi.json' | 'asyncapi.json'): JsonDocument;
/** Escape one JSON-pointer segment (`~` → `~0`, `/` → `~1`). */
export declare function escapePointer(segment: string): string;
/** The node at a JSON pointer (`/a/b` or `#/a/b`), or undefined. */
export declare function getPointer(doc: unknown, pointer: string): unknown;
/** Follows local `$ref`s; returns the node and the pointer (without `#`) where it really lives. */
export declare function locate(doc: unknown, pointer: string): { node: any; pointer: string };
/** A fresh Ajv 2020 instance with ajv-formats and the OpenAPI-only formats. */
export declare function createAjv(options?: Options): Ajv2020;

export interface OperationRef {
  operationId: string;
  method: string;
  path: string;
  /** JSON pointer (without `#`) of the operation object. */
  pointer: string;
}

export interface OpenApiValidators {
  doc: JsonDocument;
  ajv: Ajv2020;
  operations: Map<string, OperationRef>;
  webhooks: Map<string, { name: string; operationId?: string; pointer: string }>;
  /** Validator for the schema at a JSON pointer of the document (cached). */
  at(pointer: string): ValidateFunction;
  /** Validator for `#/components/schemas/<name>`, or for a full pointer / `#/…` ref. */
  schema(ref: string): ValidateFunction;
  /** Pointer of the response object documenting `status` (exact, `4XX` range, `default`), or undefined. */
  responsePointer(operationId: string, status: number | string): string | undefined;
  /** Response body validator; throws when the status or content type is not documented. */
  response(operationId: string, status: number | string, contentType?: string): ValidateFunction;
  /** Request body validator; throws when the operation has no such body. */
  request(operationId: string, contentType?: string): ValidateFunction;
  /** Webhook payload validator by event type (`session.created`, …); throws for an unknown type. */
  webhook(eventType: string): ValidateFunction;
}

export interface AsyncApiMessage {
  type: string;
  name?: string;
  operations: string[];
  directions: Set<'server' | 'client'>;
  payloadPointer: string;
}

export interface AsyncApiValidators {
  doc: JsonDocument;
  ajv: Ajv2020;
  /** Every message by wire `type`; `server` = server → client (`send`), `client` = client → server. */
  messages: Map<string, AsyncApiMessage>;
  at(pointer: string): ValidateFunction;
  /** Payload validator for a wire `type`, or undefined when no such message flows in `direction`. */
  message(type: string, direction?: 'server' | 'client'): ValidateFunction | undefined;
}

/** Validators over an OpenAPI 3.1 document (default: the bundled one). Cached per document object. */
export declare function compileOpenApi(doc?: JsonDocument): OpenApiValidators;
/** Validators over an AsyncAPI 3 document (default: the bundled one). Cached per document object. */
export declare function compileAsyncApi(doc?: JsonDocument): AsyncApiValidators;
