import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import createClient from 'openapi-fetch';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import type { InstalmentIn, InstalmentKind, OrderStatus, PaymentCreate } from '../../api/types';
import { PAGE_SIZE, useCursorList } from '../../lib/cursorList';

export const ORDER_STATUSES: readonly OrderStatus[] = ['pending_payment', 'paid', 'shipped', 'completed', 'cancelled'];
export const INSTALMENT_KINDS: readonly InstalmentKind[] = ['prepayment', 'instalment', 'final'];

/**
 * The moves offered by hand (backend ORDER_TRANSITIONS without "paid": an order becomes paid
 * only when payments complete its plan; anything else is a 409).
 */
export const ORDER_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending_payment: ['cancelled'],
  paid: ['shipped'],
  shipped: ['completed'],
  completed: [],
  cancelled: [],
};

export const ORDER_STATUS_COLORS: Record<OrderStatus, string> = {
  pending_payment: 'gold',
  paid: 'green',
  shipped: 'blue',
  completed: 'success',
  cancelled: 'default',
};

export interface OrderFilters {
  q?: string;
  status?: OrderStatus;
  customer_id?: string;
  contract_id?: string;
}

export const orderKeys = {
  all: ['orders'] as const,
  list: (filters: OrderFilters) => ['orders', 'list', filters] as const,
  detail: (id: string) => ['orders', 'detail', id] as const,
  plan: (id: string) => ['orders', 'detail', id, 'plan'] as const,
  payments: (id: string) => ['orders', 'detail', id, 'payments'] as const,
  links: (id: string) => ['orders', 'detail', id, 'portal-links'] as const,
};

function filterQuery(filters: OrderFilters) {
  const q = filters.q?.trim();
  return {
    ...(q ? { q } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.customer_id ? { customer_id: filters.customer_id } : {}),
    ...(filters.contract_id ? { contract_id: filters.contract_id } : {}),
  };
}

export function useOrderList(filters: OrderFilters) {
  return useCursorList(orderKeys.list(filters), (cursor) =>
    unwrap(
      api.GET('/api/v1/orders', {
        params: { query: { ...filterQuery(filters), limit: PAGE_SIZE, ...(cursor ? { cursor } : { with_total: true }) } },
      }),
    ),
  );
}

export function useOrder(id: string) {
  return useQuery({
    queryKey: orderKeys.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/orders/{order_id}', { params: { path: { order_id: id } } })),
  });
}

export function usePaymentPlan(id: string) {
  return useQuery({
    queryKey: orderKeys.plan(id),
    queryFn: () => unwrap(api.GET('/api/v1/orders/{order_id}/payment-plan', { params: { path: { order_id: id } } })),
  });
}

export function usePayments(id: string) {
  return useQuery({
    queryKey: orderKeys.payments(id),
    queryFn: () => unwrap(api.GET('/api/v1/orders/{order_id}/payments', { params: { path: { order_id: id } } })),
  });
}

export function usePortalLinks(id: string) {
  return useQuery({
    queryKey: orderKeys.links(id),
    queryFn: () => unwrap(api.GET('/api/v1/orders/{order_id}/portal-links', { params: { path: { order_id: id } } })),
  });
}

/** After a write to one order: every order list and that order's detail (plan, payments, links) are stale. */
function useInvalidateOrders() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: orderKeys.all });
}

export function useTransitionOrder(id: string) {
  const invalidate = useInvalidateOrders();
  return useMutation({
    mutationFn: (body: { status: OrderStatus; version: number }) =>
      unwrap(api.POST('/api/v1/orders/{order_id}/transition', { params: { path: { order_id: id } }, body })),
    onSettled: invalidate,
  });
}

export function useSetPaymentPlan(id: string) {
  const invalidate = useInvalidateOrders();
  return useMutation({
    mutationFn: (instalments: InstalmentIn[]) =>
      unwrap(api.PUT('/api/v1/orders/{order_id}/payment-plan', { params: { path: { order_id: id } }, body: { instalments } })),
    onSuccess: invalidate,
  });
}

export function useRecordPayment(id: string) {
  const invalidate = useInvalidateOrders();
  return useMutation({
    mutationFn: (body: PaymentCreate) => unwrap(api.POST('/api/v1/orders/{order_id}/payments', { params: { path: { order_id: id } }, body })),
    onSuccess: invalidate,
  });
}

export function useCreatePortalLink(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (expiresInDays: number | null) =>
      unwrap(
        api.POST('/api/v1/orders/{order_id}/portal-links', {
          params: { path: { order_id: id } },
          body: expiresInDays ? { expires_in_days: expiresInDays } : {},
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: orderKeys.links(id) }),
  });
}

export function useRevokePortalLink(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (linkId: string) =>
      unwrap(api.DELETE('/api/v1/orders/{order_id}/portal-links/{link_id}', { params: { path: { order_id: id, link_id: linkId } } })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: orderKeys.links(id) }),
  });
}

/** The SPA page a portal token opens (the API's `url` is the JSON endpoint, not this page). */
export function portalPageUrl(token: string): string {
  return `${window.location.origin}/portal/orders/${encodeURIComponent(token)}`;
}

// --- the public portal ---------------------------------------------------------------------------

/**
 * A client without the session middleware: the portal is anonymous (the token is the
 * credential), so it must neither send a signed-in user's bearer nor try to refresh one.
 */
const portalApi = createClient<paths>({
  baseUrl: typeof window === 'undefined' ? '' : window.location.origin,
  fetch: (request: Request) => globalThis.fetch(request),
});

export function usePortalOrder(token: string) {
  return useQuery({
    queryKey: ['portal', 'order', token],
    queryFn: () => unwrap(portalApi.GET('/api/v1/portal/orders/{token}', { params: { path: { token } } })),
    retry: false,
  });
}

// --- receivables ---------------------------------------------------------------------------------

export interface ReceivablesFilters {
  as_of?: string;
  customer_id?: string;
  owner_id?: string;
}

export function useReceivables(filters: ReceivablesFilters) {
  return useQuery({
    queryKey: ['receivables', filters],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/reports/receivables', {
          params: {
            query: {
              ...(filters.as_of ? { as_of: filters.as_of } : {}),
              ...(filters.customer_id ? { customer_id: filters.customer_id } : {}),
              ...(filters.owner_id ? { owner_id: filters.owner_id } : {}),
            },
          },
        }),
      ),
  });
}
