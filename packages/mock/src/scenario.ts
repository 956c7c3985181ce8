// Scenario files: scripted transcripts paced by received audio, plus faults. Format: scenarios/scenario.schema.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAjv } from '@kallglot/spec/ajv';

export interface Utterance {
  speaker?: string;
  language?: string;
  text: string;
  translations?: Record<string, string>;
  audio_ms?: number;
  partials?: number;
}

export interface FaultSpec {
  latency_ms?: number;
  drop_after_ms?: number;
  drop_after_frames?: number;
  close_code?: number;
  close_after_ms?: number;
  close_after_frames?: number;
  malformed_every?: number;
  refuse_with?: number;
  idle_timeout_ms?: number;
}

export interface Scenario {
  name: string;
  description?: string;
  loop?: boolean;
  /** `voice` (default): turns follow the voice activity of the audio received. `scripted`: each utterance's `audio_ms` of any audio. */
  timing?: 'voice' | 'scripted';
  default_languages?: { source_language?: string | null; target_language?: string | null };
  utterances: Utterance[];
  faults?: FaultSpec;
}

/** Directory of the scenarios shipped with the package. */
export const BUILTIN_SCENARIOS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');

let validator: ReturnType<ReturnType<typeof createAjv>['compile']> | undefined;
function validateScenario(data: unknown, source: string): Scenario {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(BUILTIN_SCENARIOS_DIR, 'scenario.schema.json'), 'utf8')) as object;
    validator = createAjv().compile(schema);
  }
  if (!validator(data)) {
    const e = validator.errors?.[0];
    throw new Error(`Invalid scenario ${source}: ${e?.instancePath || '/'} ${e?.message ?? 'is invalid'}`);
  }
  return data as Scenario;
}

export function loadScenarioFile(path: string): Scenario {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`Cannot read scenario ${path}: ${(e as Error).message}`);
  }
  return validateScenario(data, path);
}

/** All scenarios in the given directories (later directories override earlier ones by name). */
export function loadScenarios(dirs: string[] = [BUILTIN_SCENARIOS_DIR]): Map<string, Scenario> {
  const out = new Map<string, Scenario>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.json') || f.endsWith('.schema.json')) continue;
      const s = loadScenarioFile(join(dir, f));
      out.set(s.name, s);
    }
  }
  return out;
}

/** Accepts a scenario object, a name among the loaded ones, or a path to a JSON file. */
export function resolveScenario(input: Scenario | string | undefined, known: Map<string, Scenario>): Scenario {
  if (input && typeof input === 'object') return validateScenario(input, `(object ${input.name})`);
  const name = input ?? 'default';
  const hit = known.get(name);
  if (hit) return hit;
  if (existsSync(name)) return loadScenarioFile(name);
  throw new Error(`Unknown scenario '${name}'. Known: ${[...known.keys()].join(', ')}`);
}
