// `GET /_mock/webhooks` answers one page: oldest first, `limit` (default 100, at most 1000), `starting_after` = the
// id of the last record of the previous page (the `next_cursor` it returned), like the API's own lists.
export const WEBHOOK_PAGE_DEFAULT = 100;
export const WEBHOOK_PAGE_MAX = 1000;

export interface WebhookPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

export interface PageQuery {
  limit: number;
  startingAfter?: string;
}

/** Read `limit` and `starting_after`; a string is an error message naming the fix, with its parameter. */
export function readPageQuery(q: URLSearchParams): PageQuery | { param: string; message: string } {
  const rawLimit = q.get('limit');
  let limit = WEBHOOK_PAGE_DEFAULT;
  if (rawLimit !== null) {
    limit = /^\d{1,5}$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!(limit >= 1 && limit <= WEBHOOK_PAGE_MAX)) return { param: 'limit', message: `'limit' must be an integer between 1 and ${WEBHOOK_PAGE_MAX} (default ${WEBHOOK_PAGE_DEFAULT}).` };
  }
  const startingAfter = q.get('starting_after') ?? undefined;
  return { limit, startingAfter };
}

/** One page of `records`; undefined when the cursor names no record (evicted, reset or made up). */
export function pageOf<T extends { id: string }>(records: T[], { limit, startingAfter }: PageQuery): WebhookPage<T> | undefined {
  let from = 0;
  if (startingAfter !== undefined) {
    const i = records.findIndex((r) => r.id === startingAfter);
    if (i < 0) return undefined;
    from = i + 1;
  }
  const data = records.slice(from, from + limit);
  const hasMore = from + limit < records.length;
  return { object: 'list', data, has_more: hasMore, next_cursor: hasMore ? data[data.length - 1]!.id : null };
}
