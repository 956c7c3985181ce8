// The contract suite: exercises the operations of the OpenAPI document against a server, validates every
// response (status, headers, body) and every stream frame with Ajv 2020, and returns a SuiteReport.
// Against anything but a mock it is read-only unless `writes` is on: creating sessions costs credits.
// One file per area in internal/suite/ (agents, sessions, stream, errors, prefer, coverage) over a shared
// context; this file runs them in order and assembles the report.
import { loadContract, type Json, type SpecPaths } from './internal/contract.js';
import type { Waiver } from './internal/errors.js';
import { agentsArea, deleteAgentStep } from './internal/suite/agents.js';
import { DEFAULT_KEY, SuiteContext } from './internal/suite/context.js';
import { coverageArea, remainingOperations } from './internal/suite/coverage.js';
import { errorsArea } from './internal/suite/errors.js';
import { preferArea } from './internal/suite/prefer.js';
import { sessionsAfterStream, sessionsArea } from './internal/suite/sessions.js';
import { streamArea } from './internal/suite/stream.js';
import { summarize, waiverSummary, type SuiteReport } from './report.js';

export { ConnectionError } from './internal/suite/context.js';

export interface SuiteOptions {
  /** REST origin, e.g. http://127.0.0.1:4010 (a trailing /v1 is tolerated). */
  baseUrl: string;
  /** Override for the stream origin (default: the stream.url the server returns). */
  streamUrl?: string;
  apiKey?: string;
  /** Allow requests that create or change things (default off: they cost credits on the real API). */
  writes?: boolean;
  /** Provoke every documented status with the mock's `Prefer: code=NNN` selector. */
  prefer?: boolean;
  /** Where the Prefer pass goes (a stateless mock), when not `baseUrl` itself. */
  preferBaseUrl?: string;
  /** Count deviations in inferred parts of the contract as failures. */
  strict?: boolean;
  /** Narrow the run: operationIds, `stream`, `webhooks`. */
  only?: string[];
  /** Read-only runs can still read one existing session. */
  sessionId?: string;
  /** Body for createSession (default: the spec's first example). */
  sessionBody?: Json;
  waivers?: Waiver[];
  /** Label only: the target is a mock. */
  mock?: boolean;
  timeoutMs?: number;
  specPaths?: SpecPaths;
}

export async function runSuite(o: SuiteOptions): Promise<SuiteReport> {
  const started = Date.now();
  const contract = loadContract(o.specPaths);
  const writes = !!o.writes;
  const settings = { apiKey: o.apiKey ?? DEFAULT_KEY, timeoutMs: o.timeoutMs ?? 15_000, writes, strict: !!o.strict, only: o.only ?? [], waivers: o.waivers ?? [], streamUrl: o.streamUrl, sessionId: o.sessionId, sessionBody: o.sessionBody, prefer: !!o.prefer, preferBaseUrl: o.preferBaseUrl };
  const ctx = new SuiteContext(contract, settings, String(o.baseUrl));

  await agentsArea(ctx);
  await sessionsArea(ctx);
  await streamArea(ctx);
  await sessionsAfterStream(ctx);
  await deleteAgentStep(ctx);
  await remainingOperations(ctx);
  await errorsArea(ctx);
  await preferArea(ctx);
  const coverage = coverageArea(ctx);

  const partial = {
    tool: 'kallglot-contract' as const,
    command: 'test' as const,
    target: { baseUrl: ctx.mainBase, streamUrl: o.streamUrl ?? ctx.session?.stream?.url ?? null, mock: !!o.mock },
    mode: { writes, prefer: !!o.prefer && writes, strict: settings.strict, only: settings.only },
    spec: {
      openapi: contract.openapi.info?.version,
      asyncapi: contract.asyncapi.info?.version,
      operations: contract.operations.length,
      serverMessages: [...contract.serverMessages.keys()],
      clientMessages: [...contract.clientMessages.keys()],
    },
    coverage,
    stream: ctx.stream,
    skipped: ctx.skipped,
    notes: ctx.notes,
    waivers: waiverSummary(settings.waivers),
    checks: ctx.checks,
  };
  return { ...partial, summary: summarize(partial, Date.now() - started) };
}
