// The docs-payload corpus (docs-payloads.json) and the validator each entry must pass (or fail).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileAsyncApi, compileOpenApi, type ValidateFunction } from '@kallglot/spec/validators';
import { testRoot } from '../helpers/paths.ts';

export type Target =
  | { request: string }
  | { operationId: string; status: number }
  | { schema: string }
  | { webhook: string }
  | { stream: string; direction: 'server' | 'client' };

export interface Entry {
  id: string;
  source: { url: string; section: string; examples_index?: number; note?: string; older_version?: boolean };
  direction: 'request' | 'response' | 'webhook' | 'server' | 'client';
  target: Target;
  expect: 'accept' | 'refuse';
  placeholder?: string;
  fragment?: string;
  shape?: string;
  refused_by?: string;
  payload: unknown;
}

export const corpus: Entry[] = JSON.parse(readFileSync(join(testRoot, 'corpus', 'docs-payloads.json'), 'utf8')).entries;
/** Real payloads: placeholders stand for values the docs did not print, so they are not counted. */
export const counted = corpus.filter((e) => !e.placeholder);

/** The validator for an entry's target, or undefined when the contract has no such message or body. */
export function validatorFor(target: Target): ValidateFunction | undefined {
  const openapi = compileOpenApi();
  if ('request' in target) {
    try {
      return openapi.request(target.request);
    } catch {
      return undefined; // the operation takes no body
    }
  }
  if ('operationId' in target) return openapi.response(target.operationId, target.status);
  if ('schema' in target) return openapi.schema(target.schema);
  if ('webhook' in target) return openapi.webhook(target.webhook);
  return compileAsyncApi().message(target.stream, target.direction);
}
