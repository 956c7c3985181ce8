// The resource facade: `new Kallglot()` → `kallglot.sessions.create(...)`, generated from the spec over the
// path client (`kallglot.raw`, the same as `createKallglotClient()`).
import { createKallglotClient, type KallglotClient, type KallglotClientOptions } from './client.js';
import { KallglotConfigError } from './errors.js';
import { resourceTable } from './generated/resources.js';
import type { GeneratedResources } from './generated/resources.js';
import { addHelpers, type KallglotResources } from './internal/helpers.js';
import { buildResources } from './internal/resources.js';

export interface KallglotOptions extends Partial<KallglotClientOptions> {
  /** Default: the `KALLGLOT_API_KEY` environment variable (where there is a `process.env`). */
  apiKey?: string;
  /** Default: `KALLGLOT_BASE_URL`, else `https://api.kallglot.com`. */
  baseUrl?: string;
  /** Per attempt, in ms (Stainless's name for `timeoutMs`; `timeoutMs` wins when both are given). Default 60 000. */
  timeout?: number;
}

const env = (name: string): string | undefined => (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name] || undefined;

// The resources are typed through this interface, merged into the class below.
export interface Kallglot extends KallglotResources {}

/**
 * The Kallglot API client: `kallglot.agents`, `kallglot.sessions` (with `.transcript`, `.recordings`,
 * `.analysis` and `connect()`), `kallglot.recordings`, `kallglot.analyses` and `kallglot.webhooks`.
 * Methods resolve to the object or throw `KallglotApiError`; `.withResponse()` gives `{ data, response, requestId }`.
 */
export class Kallglot {
  /** The path client underneath (`kallglot.raw.GET('/v1/sessions/{session_id}', …)`). */
  declare readonly raw: KallglotClient;
  declare private readonly o: KallglotOptions;

  constructor(options: KallglotOptions = {}) {
    const o = { ...options, apiKey: options.apiKey ?? env('KALLGLOT_API_KEY'), baseUrl: options.baseUrl ?? env('KALLGLOT_BASE_URL'), timeoutMs: options.timeoutMs ?? options.timeout };
    // Common slips get their fix named (never the key): a pasted `Bearer ` prefix, a newline from a file or env var.
    if (/^bearer\s|^\s|\s$/i.test(o.apiKey!)) throw new KallglotConfigError('Kallglot: apiKey is malformed (not shown): remove the "Bearer " prefix and surrounding whitespace');
    const raw = createKallglotClient(o as KallglotClientOptions);
    Object.defineProperties(this, { o: { value: o }, raw: { value: raw, enumerable: true } });
    Object.assign(this, addHelpers(buildResources(resourceTable, raw) as unknown as GeneratedResources));
  }

  /** A copy with some options changed: `kallglot.withOptions({ timeout: 2_000, maxRetries: 0 })`. */
  withOptions(options: KallglotOptions): Kallglot {
    return new Kallglot({ ...this.o, ...options });
  }

  get baseUrl(): string {
    return this.raw.baseUrl;
  }
}
