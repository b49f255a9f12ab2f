import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { QuoteCreate, QuoteRead, QuoteStatus, QuoteUpdate } from '../../api/types';
import { PAGE_SIZE, useCursorList } from '../../lib/cursorList';
import { ApiError, parseProblem } from '../../lib/problem';

export const QUOTE_STATUSES: readonly QuoteStatus[] = ['draft', 'pending_approval', 'approved', 'rejected', 'sent', 'accepted', 'superseded'];

/** Statuses whose quote can be edited: draft/rejected in place, approved/sent as a new revision. */
export const EDITABLE_STATUSES: readonly QuoteStatus[] = ['draft', 'rejected', 'approved', 'sent'];
export const REVISING_STATUSES: readonly QuoteStatus[] = ['approved', 'sent'];

export interface QuoteFilters {
  status?: QuoteStatus;
  number?: string;
  dealId?: string;
}

export const quoteKeys = {
  all: ['quotes'] as const,
  list: (filters: QuoteFilters) => ['quotes', 'list', filters] as const,
  detail: (id: string) => ['quotes', 'detail', id] as const,
  revisions: (id: string) => ['quotes', 'revisions', id] as const,
};

export function useQuoteList(filters: QuoteFilters) {
  return useCursorList(quoteKeys.list(filters), (cursor) =>
    unwrap(
      api.GET('/api/v1/quotes', {
        params: {
          query: {
            ...(filters.status ? { status: filters.status } : {}),
            ...(filters.number?.trim() ? { number: filters.number.trim() } : {}),
            ...(filters.dealId ? { deal_id: filters.dealId } : {}),
            limit: PAGE_SIZE,
            ...(cursor ? { cursor } : { with_total: true }),
          },
        },
      }),
    ),
  );
}

export function useQuote(id: string | undefined) {
  return useQuery({
    queryKey: quoteKeys.detail(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/quotes/{quote_id}', { params: { path: { quote_id: id ?? '' } } })),
    enabled: Boolean(id),
  });
}

export function useQuoteRevisions(id: string | undefined) {
  return useQuery({
    queryKey: quoteKeys.revisions(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/quotes/{quote_id}/revisions', { params: { path: { quote_id: id ?? '' } } })),
    enabled: Boolean(id),
  });
}

/** Stores a saved quote in the cache and marks every quote list stale. */
function useQuoteSaved() {
  const queryClient = useQueryClient();
  return (quote: QuoteRead) => {
    queryClient.setQueryData(quoteKeys.detail(quote.id), quote);
    void queryClient.invalidateQueries({ queryKey: ['quotes', 'list'] });
    void queryClient.invalidateQueries({ queryKey: ['quotes', 'revisions'] });
    // A save of an approved or sent quote supersedes it: its cached detail is stale too.
    void queryClient.invalidateQueries({ queryKey: ['quotes', 'detail'], predicate: (query) => query.queryKey[2] !== quote.id });
    void queryClient.invalidateQueries({ queryKey: ['approvals'] });
  };
}

export function useCreateQuote() {
  const saved = useQuoteSaved();
  return useMutation({
    mutationFn: (body: QuoteCreate) => unwrap(api.POST('/api/v1/quotes', { body })),
    onSuccess: saved,
  });
}

export function useUpdateQuote(id: string) {
  const saved = useQuoteSaved();
  return useMutation({
    mutationFn: (body: QuoteUpdate) => unwrap(api.PATCH('/api/v1/quotes/{quote_id}', { params: { path: { quote_id: id } }, body })),
    onSuccess: saved,
  });
}

export type QuoteAction = 'submit' | 'send' | 'accept';

export function useQuoteAction(quote: QuoteRead) {
  const saved = useQuoteSaved();
  return useMutation({
    mutationFn: (action: QuoteAction) => {
      const params = { path: { quote_id: quote.id }, header: { 'if-match': `"${quote.version}"` } };
      if (action === 'submit') return unwrap(api.POST('/api/v1/quotes/{quote_id}/submit', { params }));
      if (action === 'send') return unwrap(api.POST('/api/v1/quotes/{quote_id}/send', { params }));
      return unwrap(api.POST('/api/v1/quotes/{quote_id}/accept', { params }));
    },
    onSuccess: saved,
  });
}

/** The quote's latest approval request (its requester may read it). */
export function useQuoteApproval(approvalId: string | null | undefined, status: QuoteStatus | undefined) {
  return useQuery({
    queryKey: ['approvals', 'detail', approvalId ?? '', status],
    queryFn: () => unwrap(api.GET('/api/v1/approvals/{approval_id}', { params: { path: { approval_id: approvalId ?? '' } } })),
    enabled: Boolean(approvalId),
  });
}

/** The printable HTML of a quote, fetched with the bearer token (a plain link would carry none). */
export async function fetchQuoteHtml(id: string): Promise<string> {
  const { data, error, response } = await api.GET('/api/v1/quotes/{quote_id}/render', {
    params: { path: { quote_id: id } },
    parseAs: 'text',
  });
  if (!response.ok) {
    let body: unknown = error;
    if (typeof error === 'string') {
      try {
        body = JSON.parse(error);
      } catch {
        body = error;
      }
    }
    throw new ApiError(parseProblem(body, response));
  }
  return data as unknown as string;
}

/** The deal a new quote is for (its currency and customer). */
export function useDeal(dealId: string | undefined, enabled = true) {
  return useQuery({
    queryKey: ['deals', 'detail', dealId ?? ''],
    queryFn: () => unwrap(api.GET('/api/v1/deals/{deal_id}', { params: { path: { deal_id: dealId ?? '' } } })),
    enabled: Boolean(dealId) && enabled,
  });
}

/** Active price books of a currency, for the quote's price book choice. */
export function usePriceBooksFor(currency: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ['price-books', 'picker', currency ?? ''],
    queryFn: () => unwrap(api.GET('/api/v1/price-books', { params: { query: { limit: 100, active: true, currency: currency ?? '' } } })),
    enabled: Boolean(currency) && enabled,
  });
}

export function lookupPrice(productId: string, currency: string, customerGroup: string | null | undefined) {
  return unwrap(
    api.GET('/api/v1/price-lookup', {
      params: { query: { product_id: productId, currency, ...(customerGroup ? { customer_group: customerGroup } : {}) } },
    }),
  );
}
