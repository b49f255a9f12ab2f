import { keepPreviousData, useInfiniteQuery, type QueryKey } from '@tanstack/react-query';

export interface CursorPage<T> {
  items: T[];
  next_cursor?: string | null;
  total?: number | null;
}

export const PAGE_SIZE = 50;

/** A cursor-paged collection: pages are fetched with `next_cursor` and flattened into rows. */
export function useCursorList<T>(queryKey: QueryKey, fetchPage: (cursor: string | null) => Promise<CursorPage<T>>) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // A new search keeps showing the old rows (with a spinner) until its answer arrives.
    placeholderData: keepPreviousData,
  });
  const rows = query.data?.pages.flatMap((page) => page.items) ?? [];
  const total = query.data?.pages[0]?.total ?? null;
  return { ...query, rows, total, loading: query.isPending || query.isPlaceholderData };
}

/** Every item of a small collection (departments, roles), following next_cursor. */
export async function fetchAll<T>(fetchPage: (cursor: string | null) => Promise<CursorPage<T>>, maxPages = 20): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const result: CursorPage<T> = await fetchPage(cursor);
    items.push(...result.items);
    if (!result.next_cursor) break;
    cursor = result.next_cursor;
  }
  return items;
}
