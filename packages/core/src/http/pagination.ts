import type { ListOptions } from '../db/list-query.ts';

/** Default and largest page sizes: a list never loads an unbounded number of rows. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;

/** The list query parameters every list endpoint accepts. */
export interface PageQuery {
  page?: number;
  page_size?: number;
  ordering?: string;
  search?: string;
}

/** Turns `page` / `page_size` into a row window. */
export function pageWindow(query: PageQuery): Pick<ListOptions, 'limit' | 'offset' | 'ordering' | 'search'> {
  const size = Math.min(query.page_size ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const page = query.page ?? 1;
  return { limit: size, offset: (page - 1) * size, ordering: query.ordering, search: query.search };
}

/** Wraps a page of results in the contract's envelope (next/previous are 0 when there is no such page). */
export function paginated<T>(query: PageQuery, results: T[], count: number) {
  const size = Math.min(query.page_size ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const current = query.page ?? 1;
  const totalPages = Math.max(1, Math.ceil(count / size));
  const start = count === 0 ? 0 : (current - 1) * size + 1;
  return {
    pagination: {
      next: current < totalPages ? current + 1 : 0,
      previous: current > 1 ? current - 1 : 0,
      count,
      current,
      total_pages: totalPages,
      start_index: Math.min(start, count),
      end_index: Math.min((current - 1) * size + results.length, count),
    },
    results,
    autocomplete: {},
  };
}
