// The one rule for following a list: the next `starting_after` of a page, or undefined at the end.
import { KallglotError } from '../errors.js';

export interface ListPage {
  data?: unknown;
  has_more?: boolean;
  next_cursor?: string | null;
}

/**
 * `has_more: true` continues with `next_cursor`, or after the last item's id when a page omits it. An empty
 * page that says `has_more` with a cursor is followed too (some servers filter after paging). With `seen`,
 * the cursor is recorded as followed, and one seen before throws instead of looping for ever.
 */
export function nextCursor(page: ListPage | undefined, items: readonly unknown[], seen?: Set<string>, where?: string): string | undefined {
  const last = items[items.length - 1] as { id?: unknown } | undefined;
  const cursor = page?.has_more === true ? (page.next_cursor ?? (typeof last?.id === 'string' ? last.id : undefined)) : undefined;
  if (cursor && seen) {
    if (seen.has(cursor)) throw new KallglotError(`paginate ${where}: the cursor did not advance`);
    seen.add(cursor);
  }
  return cursor || undefined;
}
