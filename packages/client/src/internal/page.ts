// List results: a page (`data`, `has_more`, `next_cursor`, `nextPage()`) that also iterates every item of
// every following page with `for await`.
import { KallglotError } from '../errors.js';
import { APIPromise, type RawResult } from './api-promise.js';
import { nextCursor, type ListPage } from './cursor.js';

type Fetcher<D> = (startingAfter: string | undefined) => Promise<RawResult<D>>;

/** One page of a list: the API's list object plus `nextPage()`, `hasNextPage()` and `for await` over the rest. */
export type Page<I, D> = D & PageMethods<I, D>;

export interface PageMethods<I, D> extends AsyncIterable<I> {
  /** True when the API says there is more (`has_more`) and the page gives a way to get it. */
  hasNextPage(): boolean;
  /** The following page. Throws `KallglotError` when there is none (check `has_more`). */
  nextPage(): Promise<Page<I, D>>;
}

const items = (page: unknown): unknown[] => {
  const d = (page as ListPage | undefined)?.data;
  return Array.isArray(d) ? d : [];
};

class PageImpl<I, D> {
  declare private readonly f: Fetcher<D>;
  declare private readonly c: string | undefined;
  declare private readonly w: string;
  constructor(data: D, fetcher: Fetcher<D>, where: string) {
    Object.assign(this, data);
    // Not enumerable: a page logs and serializes as the API's list object.
    Object.defineProperties(this, { f: { value: fetcher }, c: { value: nextCursor(data as ListPage, items(data)) }, w: { value: where } });
  }
  hasNextPage(): boolean {
    return this.c !== undefined;
  }
  async nextPage(): Promise<Page<I, D>> {
    if (this.c === undefined) throw new KallglotError('nextPage(): this is the last page (has_more is false)');
    return new PageImpl((await this.f(this.c)).data, this.f, this.w) as unknown as Page<I, D>;
  }
  async *[Symbol.asyncIterator](): AsyncIterator<I> {
    const seen = new Set<string>();
    for (let page: PageImpl<I, D> = this; ; ) {
      yield* items(page) as I[];
      const cursor = nextCursor(page as ListPage, items(page), seen, page.w);
      if (cursor === undefined) return;
      page = new PageImpl((await page.f(cursor)).data, page.f, page.w);
    }
  }
}

/** A list call: awaits to its first page, and `for await` runs over every item of every page. */
export class PagePromise<I, D> extends APIPromise<Page<I, D>> implements AsyncIterable<I> {
  constructor(fetcher: Fetcher<D>, where: string) {
    super(fetcher(undefined).then((r) => ({ ...r, data: new PageImpl(r.data, fetcher, where) as unknown as Page<I, D> })));
  }
  async *[Symbol.asyncIterator](): AsyncIterator<I> {
    yield* await this;
  }
}
