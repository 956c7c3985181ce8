// Turns the generated resource table into methods over the path client: one small closure per operation,
// nothing written by hand per operation. Arguments: path parameters, then body or query, then options.
import { apiErrorFromResult, type KallglotClient, type RequestOverrides } from '../client.js';
import { APIPromise, type RawResult } from './api-promise.js';
import { toDownload } from './download.js';
import type { DownloadOptions } from './facade-types.js';
import { PagePromise } from './page.js';

/** [HTTP method, path, argument (b/q/n), result (j = JSON, l = list, d = download)] */
type Entry = readonly [string, string, string, string];
export interface ResourceTree {
  readonly [name: string]: Entry | ResourceTree;
}
type Send = (path: string, init: Record<string, unknown>) => Promise<{ data?: unknown; error?: unknown; response: Response; meta: RawResult<unknown>['meta'] }>;

export function buildResources(tree: ResourceTree, client: KallglotClient): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name in tree) {
    const node = tree[name]!;
    out[name] = Array.isArray(node) ? operation(node as Entry, client) : buildResources(node as ResourceTree, client);
  }
  return out;
}

const camel = (s: string) => s.replace(/_(.)/g, (_, c: string) => c.toUpperCase());

function operation([verb, path, arg, kind]: Entry, client: KallglotClient) {
  const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const where = `${verb} ${path}`;
  const send = client[verb as 'GET'] as unknown as Send;
  const call = (init: Record<string, unknown>, options: DownloadOptions | undefined): Promise<RawResult<unknown>> => {
    const { timeout, ...rest } = options ?? {};
    const overrides: RequestOverrides & Record<string, unknown> = timeout === undefined ? rest : { ...rest, timeoutMs: timeout };
    return send(path, { ...overrides, ...init }).then((r) => {
      if (r.error !== undefined || !r.response.ok) throw apiErrorFromResult(r, where);
      return r as RawResult<unknown>;
    });
  };
  return (...args: unknown[]) => {
    const params: Record<string, string> = {};
    let i = 0;
    for (; i < names.length; i++) {
      const v = args[i];
      if (typeof v !== 'string' || !v) return new APIPromise(Promise.reject(new TypeError(`${where}: ${camel(names[i]!)} must be a non-empty string, got ${typeof v}`)));
      params[names[i]!] = v;
    }
    const input = arg === 'n' ? undefined : (args[i++] as Record<string, unknown> | undefined);
    const options = args[i] as DownloadOptions | undefined;
    if (kind === 'l') {
      return new PagePromise((after) => call({ params: { path: params, query: after === undefined ? input : { ...input, starting_after: after } } }, options), where);
    }
    if (kind === 'd') {
      const { as = 'stream', headers, ...o } = options ?? {};
      const init = { params: { path: params }, parseAs: as, headers: { Accept: 'audio/mpeg, application/json', ...headers } };
      return new APIPromise(call(init, o).then((r) => ({ ...r, data: toDownload(r) })));
    }
    return new APIPromise(call(arg === 'b' ? { params: { path: params }, body: input } : { params: { path: params, query: input } }, options));
  };
}
