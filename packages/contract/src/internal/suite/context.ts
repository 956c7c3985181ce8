// The suite's shared context: the contract, the options, what was found so far (checks, skips, notes, ids,
// observed statuses, stream figures) and the one request helper every area uses (`call`).
import { randomUUID } from 'node:crypto';
import type { Contract, Json } from '../contract.js';
import type { Waiver } from '../errors.js';
import { exampleBody } from '../examples.js';
import { checkResponse, type Finding } from '../validate.js';
import type { Check, Skipped, SuiteReport } from '../../report.js';

export const DEFAULT_KEY = 'sk_test_contract_suite';
export const WRITE_REASON = 'a write (creates or changes data, which costs credits on the real API); pass --allow-writes';
export const AGENT_OPS = ['createAgent', 'retrieveAgent', 'updateAgent', 'deleteAgent'];
export const SESSION_OPS = ['createSession', 'retrieveSession', 'dialSession', 'hangupSession', 'endSession', 'retrieveSessionTranscript', 'listSessionRecordings', 'retrieveRecording', 'downloadRecordingAudio', 'createSessionAnalysis', 'retrieveAnalysis'];

export class ConnectionError extends Error {
  override name = 'ConnectionError';
}

export interface CallOptions {
  label?: string;
  body?: Json;
  headers?: Record<string, string>;
  auth?: boolean;
  pathIds?: Record<string, string>;
  query?: Record<string, string>;
  expect?: number | number[];
  prefer?: string;
}
export type CallResult = { status: number; json?: Json } | undefined;

export interface SuiteSettings {
  apiKey: string;
  timeoutMs: number;
  writes: boolean;
  strict: boolean;
  only: string[];
  waivers: Waiver[];
  streamUrl?: string;
  sessionId?: string;
  sessionBody?: Json;
  prefer: boolean;
  preferBaseUrl?: string;
}

export class SuiteContext {
  readonly checks: Check[] = [];
  readonly skipped: Skipped[] = [];
  readonly notes: string[] = [];
  readonly ids: Record<string, string> = {};
  readonly observed: Map<string, Set<number>>;
  readonly stream: SuiteReport['stream'] = { frames: 0, types: {}, closeCodes: [] };
  /** The session createSession returned (its stream object drives the stream area). */
  session: Json;
  /** The REST origin requests go to (the Prefer pass may point it elsewhere for a while). */
  base: string;
  readonly mainBase: string;
  private answered = false;

  constructor(
    readonly contract: Contract,
    readonly s: SuiteSettings,
    baseUrl: string,
  ) {
    this.observed = new Map(contract.operations.map((x) => [x.operationId, new Set<number>()]));
    this.base = this.mainBase = this.normalize(baseUrl);
  }

  normalize(u: string): string {
    const v1 = this.contract.operations.every((x) => x.path.startsWith('/v1/'));
    return v1 ? u.replace(/\/+$/, '').replace(/\/v1$/, '') : u.replace(/\/+$/, '');
  }

  selected = (id: string) => this.contract.byId.has(id) && (this.s.only.length === 0 || this.s.only.includes(id));
  get streamSelected(): boolean {
    return this.s.only.length === 0 || this.s.only.includes('stream');
  }

  record = (group: string, f: Finding, operation?: string): boolean => {
    const status = f.ok ? 'pass' : f.inferred ? 'inferred' : 'fail';
    this.checks.push({ id: this.checks.length + 1, group, name: f.name, status, ok: status === 'pass' || (status === 'inferred' && !this.s.strict), message: f.ok ? '' : f.message, ...(operation ? { operation } : {}) });
    return f.ok;
  };
  check = (group: string, name: string, ok: unknown, message = '', operation?: string) => this.record(group, { name, ok: !!ok, message }, operation);
  skip = (what: string, reason: string) => void this.skipped.push({ what, reason });

  urlFor(path: string, pathIds: Record<string, string>, query?: Record<string, string>): string {
    const p = path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(pathIds[name] ?? placeholderId(name)));
    return `${this.base}${p}${query ? `?${new URLSearchParams(query)}` : ''}`;
  }

  /** Sends one request and validates the response against the operation. */
  async call(operationId: string, c: CallOptions = {}): Promise<CallResult> {
    const op = this.contract.byId.get(operationId)!;
    const group = `REST ${operationId}`;
    const h: Record<string, string> = { Accept: 'application/json, */*', ...c.headers };
    if (c.auth !== false) h.Authorization = `Bearer ${this.s.apiKey}`;
    if (c.prefer) h.Prefer = c.prefer;
    let payload: string | undefined;
    if (c.body !== undefined) {
      h['Content-Type'] ??= 'application/json';
      payload = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
    }
    const url = this.urlFor(op.path, c.pathIds ?? this.ids, c.query);
    const what = `${op.method} ${new URL(url).pathname}${c.label ? ` [${c.label}]` : ''}`;
    let res: Response;
    try {
      res = await fetch(url, { method: op.method, headers: h, body: payload, signal: AbortSignal.timeout(this.s.timeoutMs) });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (!this.answered) throw new ConnectionError(`cannot reach ${this.base}: ${err.cause?.code ?? err.cause?.message ?? err.message}`);
      this.check(group, `${what}: request completes`, false, `${err.name}: ${err.message}`, operationId);
      return undefined;
    }
    this.answered = true;
    const bytes = Buffer.from(await res.arrayBuffer());
    const { findings, json } = checkResponse(this.contract, op, what, res.status, (n) => res.headers.get(n), bytes, this.s.waivers);
    for (const f of findings) this.record(group, f, operationId);
    this.observed.get(operationId)!.add(res.status);
    if (c.expect !== undefined) {
      const list = ([] as number[]).concat(c.expect);
      this.check(group, `${what}: status is ${list.join(' or ')}`, list.includes(res.status), `got ${res.status}${json?.error ? ` ${json.error.code}: ${json.error.message}` : ''}`, operationId);
    }
    return { status: res.status, json };
  }

  successOf(opId: string): number[] {
    const s = Object.keys(this.contract.byId.get(opId)!.responses).filter((x) => /^2\d\d$/.test(x)).map(Number);
    return s.length ? s : [200];
  }
  statusesOf(opId: string, wanted: number[]): number[] {
    const s = Object.keys(this.contract.byId.get(opId)!.responses).map(Number).filter((x) => wanted.includes(x));
    return s.length ? s : wanted;
  }
  body = (opId: string) => exampleBody(this.contract, this.contract.byId.get(opId)!);
  idem = () => ({ 'Idempotency-Key': randomUUID() });
  private label = (opId: string) => `${opId} (${this.contract.byId.get(opId)!.method} ${this.contract.byId.get(opId)!.path})`;

  /** Runs a write step when writes are on, else records why it was skipped. */
  async write(opId: string, fn: () => Promise<unknown>): Promise<void> {
    if (!this.selected(opId)) return;
    if (this.s.writes) await fn();
    else this.skip(this.label(opId), WRITE_REASON);
  }
  /** Runs a read step when what it needs (an id) was obtained, else records why it was skipped. */
  async read(opId: string, needs: string | undefined, fn: () => Promise<unknown>): Promise<void> {
    if (!this.selected(opId)) return;
    if (needs && !this.ids[needs]) this.skip(this.label(opId), `needs a ${needs} the run could not obtain${this.s.writes ? '' : ' without a write (pass --allow-writes, or --session-id for sessions)'}`);
    else await fn();
  }
}

export function placeholderId(name: string): string {
  const prefix = ({ session_id: 'sess_', agent_id: 'agt_', recording_id: 'rec_', analysis_id: 'anl_' } as Record<string, string>)[name] ?? '';
  return `${prefix}ContractSuiteMissing0`;
}
