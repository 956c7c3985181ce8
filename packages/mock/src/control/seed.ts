// Seed fixtures are checked in full before anything is applied: shape, API-key format of each tenant, every agent
// against the spec's CreateAgentRequest (+ AgentId), every session against CreateSessionRequest (+ SessionId),
// credits a finite non-negative integer, nesting bounded. The first problem is reported by its JSON pointer.
// No Node built-ins: the MSW adapter seeds through this too.
import { escapePointer } from '@kallglot/spec/ajv';
import type { ErrorObject } from 'ajv';
// Tenant keys are API keys: the same rule the API's auth applies.
import { API_KEY } from '../pipeline/rules.js';
import type { Engine, SeedFixture } from '../engine/index.js';
import type { OpenApiModel } from '../internal/openapi-model.js';
import { describeAjvError, pickAjvError } from '../internal/schema.js';

/** Nesting a seed may have (objects and arrays). */
export const MAX_SEED_DEPTH = 64;
/** Largest credit balance a seed may set. */
export const MAX_SEED_CREDITS = 1_000_000_000;

export class SeedError extends Error {
  constructor(
    readonly pointer: string,
    message: string,
  ) {
    super(`Invalid seed at ${pointer.length > 300 ? `${pointer.slice(0, 300)}…` : pointer || '/'}: ${message}`);
  }

  /** The pointer in the API's `param` style (`tenants.sk_test_x.agents[0].name`): the envelope's `param` has no `/`. */
  get param(): string | undefined {
    let out = '';
    for (const raw of this.pointer.split('/').slice(1)) {
      const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      out += /^\d+$/.test(seg) ? `[${seg}]` : out ? `.${seg}` : seg;
    }
    return out || undefined;
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** The pointer of the first value nested deeper than `max` (iterative: a hostile depth cannot blow the stack). */
function tooDeep(root: unknown, max: number): string | undefined {
  const stack: [unknown, string, number][] = [[root, '', 0]];
  while (stack.length) {
    const [v, at, d] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (d >= max) return at;
    for (const [k, c] of Object.entries(v)) stack.push([c, `${at}/${escapePointer(k)}`, d + 1]);
  }
  return undefined;
}

function ajvPointer(at: string, e: ErrorObject | undefined): string {
  if (!e) return at;
  const p = e.params as Obj;
  const extra = e.keyword === 'required' ? p.missingProperty : e.keyword === 'additionalProperties' ? p.additionalProperty : undefined;
  return `${at}${e.instancePath}${typeof extra === 'string' ? `/${escapePointer(extra)}` : ''}`;
}

function checkAgainst(model: OpenApiModel, ref: string, idRef: string, item: unknown, at: string): void {
  if (!isObj(item)) throw new SeedError(at, 'must be an object.');
  const { id, ...body } = item;
  if (id !== undefined) {
    const vid = model.validateSchemaRef(idRef);
    if (!vid(id)) throw new SeedError(`${at}/id`, `must match ${idRef.split('/').pop()} (${describeAjvError(pickAjvError(vid.errors), 'id')})`);
  }
  const v = model.validateSchemaRef(ref);
  if (!v(body)) {
    const e = pickAjvError(v.errors);
    throw new SeedError(ajvPointer(at, e), describeAjvError(e, ajvPointer('', e).slice(1).replace(/\//g, '.') || undefined));
  }
}

function checkList(v: unknown, at: string, each: (item: unknown, at: string) => void): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) throw new SeedError(at, 'must be an array.');
  v.forEach((item, i) => each(item, `${at}/${i}`));
}

/** Session ids already taken: by the engine's tenants, or earlier in this fixture (`claimed`, id → key). */
function ownerOf(id: unknown, engine: Engine | undefined, claimed: Map<string, string>): string | undefined {
  if (typeof id !== 'string') return undefined;
  return claimed.get(id) ?? engine?.findSession(id)?.tenant;
}

function checkTenant(model: OpenApiModel, engine: Engine | undefined, claimed: Map<string, string>, key: string, t: unknown, at: string): void {
  if (!API_KEY.test(key)) throw new SeedError(at, 'tenant keys are sandbox API keys: sk_test_… (printable ASCII, at most 200 characters after the prefix).');
  if (!isObj(t)) throw new SeedError(at, 'must be an object: { credits?, agents?, sessions? }.');
  for (const k of Object.keys(t)) if (!['credits', 'agents', 'sessions'].includes(k)) throw new SeedError(`${at}/${escapePointer(k)}`, 'unknown field: a tenant has credits, agents and sessions.');
  const c = t.credits;
  if (c !== undefined && !(typeof c === 'number' && Number.isInteger(c) && c >= 0 && c <= MAX_SEED_CREDITS)) throw new SeedError(`${at}/credits`, `must be an integer between 0 and ${MAX_SEED_CREDITS}.`);
  checkList(t.agents, `${at}/agents`, (a, p) => checkAgainst(model, '#/components/schemas/CreateAgentRequest', '#/components/schemas/AgentId', a, p));
  checkList(t.sessions, `${at}/sessions`, (s, p) => {
    checkAgainst(model, '#/components/schemas/CreateSessionRequest', '#/components/schemas/SessionId', s, p);
    const id = (s as Obj).id;
    const owner = ownerOf(id, engine, claimed);
    if (owner !== undefined && owner !== key) throw new SeedError(`${p}/id`, 'another API key already has a session with this id; pick another id.');
    if (typeof id === 'string') claimed.set(id, key);
  });
}

/** Check a whole fixture; throws a SeedError naming the first problem's JSON pointer. */
export function validateSeed(fixture: unknown, model: OpenApiModel, engine?: Engine): SeedFixture {
  const deep = tooDeep(fixture, MAX_SEED_DEPTH);
  if (deep !== undefined) throw new SeedError(deep, `nested deeper than ${MAX_SEED_DEPTH} levels.`);
  if (!isObj(fixture)) throw new SeedError('', 'a seed is an object: { "tenants": { "sk_test_…": { credits?, agents?, sessions? } } }.');
  for (const k of Object.keys(fixture)) if (k !== 'tenants') throw new SeedError(`/${escapePointer(k)}`, 'unknown field: a seed has only "tenants".');
  const tenants = fixture.tenants;
  if (tenants === undefined) return fixture as SeedFixture;
  if (!isObj(tenants)) throw new SeedError('/tenants', 'must be an object keyed by API key.');
  const claimed = new Map<string, string>();
  for (const [key, t] of Object.entries(tenants)) checkTenant(model, engine, claimed, key, t, `/tenants/${escapePointer(key)}`);
  return fixture as SeedFixture;
}

/** Validate, then seed: a bad fixture throws before anything is applied. */
export function seedEngine(engine: Engine, fixture: unknown, model: OpenApiModel): { agents: number; sessions: number } {
  return engine.seed(validateSeed(fixture, model, engine));
}
