import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { PriceBookCreate, PriceBookUpdate, ProductCreate, ProductUpdate } from '../../api/types';
import { fetchAll, PAGE_SIZE, useCursorList } from '../../lib/cursorList';

export interface ProductFilters {
  q?: string;
  active?: boolean;
}

export interface PriceBookFilters {
  q?: string;
  currency?: string;
  active?: boolean;
}

export const catalogKeys = {
  products: ['products'] as const,
  productList: (filters: ProductFilters) => ['products', 'list', filters] as const,
  productNames: ['products', 'names'] as const,
  books: ['price-books'] as const,
  bookList: (filters: PriceBookFilters) => ['price-books', 'list', filters] as const,
  book: (id: string) => ['price-books', 'detail', id] as const,
  entries: (id: string) => ['price-books', 'entries', id] as const,
};

export function useProductList(filters: ProductFilters) {
  return useCursorList(catalogKeys.productList(filters), (cursor) =>
    unwrap(
      api.GET('/api/v1/products', {
        params: {
          query: {
            ...(filters.q?.trim() ? { q: filters.q.trim() } : {}),
            ...(filters.active !== undefined ? { active: filters.active } : {}),
            limit: PAGE_SIZE,
            ...(cursor ? { cursor } : { with_total: true }),
          },
        },
      }),
    ),
  );
}

/** Every product's SKU and name, to name the entries of a price book. */
export function useProductNames() {
  return useQuery({
    queryKey: catalogKeys.productNames,
    queryFn: async () => {
      const products = await fetchAll((cursor) => unwrap(api.GET('/api/v1/products', { params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } } })));
      return new Map(products.map((p) => [p.id, p]));
    },
  });
}

export function useSaveProduct() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { kind: 'create'; body: ProductCreate } | { kind: 'update'; id: string; body: ProductUpdate }) =>
      input.kind === 'create'
        ? unwrap(api.POST('/api/v1/products', { body: input.body }))
        : unwrap(api.PATCH('/api/v1/products/{product_id}', { params: { path: { product_id: input.id } }, body: input.body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: catalogKeys.products }),
  });
}

export function usePriceBookList(filters: PriceBookFilters) {
  return useCursorList(catalogKeys.bookList(filters), (cursor) =>
    unwrap(
      api.GET('/api/v1/price-books', {
        params: {
          query: {
            ...(filters.q?.trim() ? { q: filters.q.trim() } : {}),
            ...(filters.currency?.trim() ? { currency: filters.currency.trim().toUpperCase() } : {}),
            ...(filters.active !== undefined ? { active: filters.active } : {}),
            limit: PAGE_SIZE,
            ...(cursor ? { cursor } : { with_total: true }),
          },
        },
      }),
    ),
  );
}

export function usePriceBook(id: string) {
  return useQuery({
    queryKey: catalogKeys.book(id),
    queryFn: () => unwrap(api.GET('/api/v1/price-books/{price_book_id}', { params: { path: { price_book_id: id } } })),
  });
}

export function useSavePriceBook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { kind: 'create'; body: PriceBookCreate } | { kind: 'update'; id: string; body: PriceBookUpdate }) =>
      input.kind === 'create'
        ? unwrap(api.POST('/api/v1/price-books', { body: input.body }))
        : unwrap(api.PATCH('/api/v1/price-books/{price_book_id}', { params: { path: { price_book_id: input.id } }, body: input.body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: catalogKeys.books }),
  });
}

export function usePriceBookEntries(id: string) {
  return useCursorList(catalogKeys.entries(id), (cursor) =>
    unwrap(
      api.GET('/api/v1/price-books/{price_book_id}/entries', {
        params: { path: { price_book_id: id }, query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : { with_total: true }) } },
      }),
    ),
  );
}

export function useSetEntry(bookId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ productId, unitPrice }: { productId: string; unitPrice: string }) =>
      unwrap(
        api.PUT('/api/v1/price-books/{price_book_id}/entries/{product_id}', {
          params: { path: { price_book_id: bookId, product_id: productId } },
          body: { unit_price: unitPrice },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: catalogKeys.entries(bookId) }),
  });
}

export function useDeleteEntry(bookId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (productId: string) =>
      unwrap(api.DELETE('/api/v1/price-books/{price_book_id}/entries/{product_id}', { params: { path: { price_book_id: bookId, product_id: productId } } })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: catalogKeys.entries(bookId) }),
  });
}

/** Active products matching a search, for the line's product picker. */
export function useProductSearch(q: string, enabled: boolean) {
  return useQuery({
    queryKey: ['products', 'picker', q],
    queryFn: () => unwrap(api.GET('/api/v1/products', { params: { query: { limit: 20, active: true, ...(q.trim() ? { q: q.trim() } : {}) } } })),
    enabled,
  });
}
