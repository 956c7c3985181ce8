// Server frames: shaped from the spec's own example for the type, overlaid with the fields its schema declares,
// optionally checked against the schema on the way out. Also the taxonomy lookups (close codes, error codes).
import type { AsyncApiModel } from '../internal/asyncapi-model.js';
import type { JsonObject } from '../internal/schema.js';
import type { StreamStats } from './types.js';

export interface FrameShaper {
  /** A server frame of `type` with `fields` (undefined deletes the example's field). */
  shape(type: string, fields: Record<string, unknown>): JsonObject;
  /** Validate an outgoing frame (selfCheck mode): violations are counted and logged. */
  check(frame: JsonObject): void;
  /** The first of `prefs` the document's error codes know (else its `invalid_message`, else its first). */
  errorCode(prefs: string[]): string;
  /** The document's close code for `name`, or `fallback`. */
  closeCode(name: string, fallback: number): number;
  readonly selfCheck: boolean;
}

export function nowIso(): string {
  return new Date().toISOString();
}

function overlay(base: JsonObject, fields: Record<string, unknown>, props: JsonObject | undefined, allowAny: boolean): void {
  for (const [k, v] of Object.entries(fields)) {
    if (!allowAny && !(k in (props ?? {}))) continue;
    if (v === undefined) delete base[k];
    else if (v && typeof v === 'object' && !Array.isArray(v) && base[k] && typeof base[k] === 'object' && !Array.isArray(base[k])) {
      base[k] = { ...(base[k] as JsonObject), ...(v as JsonObject) } as JsonObject;
    } else base[k] = v as JsonObject[keyof JsonObject];
  }
}

export function createFrameShaper(model: AsyncApiModel, stats: StreamStats, log: (line: string) => void, selfCheck = false): FrameShaper {
  const propsByType = new Map<string, JsonObject>();
  const errorCodes = model.errorCodes;
  return {
    selfCheck,
    shape(type, fields) {
      const spec = model.messages.get(type);
      const base: JsonObject = spec?.example ? structuredClone(spec.example) : {};
      let props = propsByType.get(type);
      if (spec && !props) propsByType.set(type, (props = model.properties(spec.schema)));
      const allowAny = !spec || (Object.keys(props ?? {}).length === 0 && spec.schema.additionalProperties !== false);
      overlay(base, fields, props, allowAny);
      base.type = type;
      return base;
    },
    check(frame) {
      const spec = model.messages.get(String(frame.type));
      if (spec && !(spec.validate as (d: unknown) => boolean)(frame)) {
        stats.selfCheckFailures++;
        log(`self-check: outgoing ${String(frame.type)} violates the spec: ${JSON.stringify(spec.validate.errors?.slice(0, 2))}`);
      }
    },
    errorCode(prefs) {
      const hit = prefs.find((c) => errorCodes.includes(c));
      if (hit) return hit;
      if (!errorCodes.length) return prefs[0]!;
      return errorCodes.includes('invalid_message') ? 'invalid_message' : errorCodes[0]!;
    },
    closeCode: (name, fallback) => model.closeCodes.get(name) ?? fallback,
  };
}
