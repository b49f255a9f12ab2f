import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { CustomerRead, OwnershipCaps, PoolPolicyCreate, PoolPolicyUpdate } from '../../api/types';
import { fetchAll, PAGE_SIZE, useCursorList } from '../../lib/cursorList';

export interface PoolFilters {
  q?: string;
  level?: string;
}

export const poolKeys = {
  all: ['customer-pool'] as const,
  list: (filters: PoolFilters) => ['customer-pool', 'list', filters] as const,
  caps: ['customer-pool', 'caps'] as const,
  policies: ['customer-pool', 'policies'] as const,
};

/** The filter values actually set (blank ones are left out). */
function filterQuery(filters: PoolFilters) {
  const q = filters.q?.trim();
  const level = filters.level?.trim();
  return { ...(q ? { q } : {}), ...(level ? { level } : {}) };
}

export function usePoolList(filters: PoolFilters) {
  return useCursorList(poolKeys.list(filters), (cursor) =>
    unwrap(
      api.GET('/api/v1/customer-pool', {
        params: { query: { ...filterQuery(filters), limit: PAGE_SIZE, ...(cursor ? { cursor } : { with_total: true }) } },
      }),
    ),
  );
}

/** After a pool write: the pool, the caller's cap figures and every customer list are stale. */
function useInvalidatePool() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: poolKeys.all });
    void queryClient.invalidateQueries({ queryKey: ['customers', 'list'] });
  };
}

export function useClaimCustomer() {
  const invalidate = useInvalidatePool();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/customer-pool/{customer_id}/claim', { params: { path: { customer_id: id } } })),
    // Either way the pool changed: a claimed customer leaves it, and so does one someone else took.
    onSettled: invalidate,
  });
}

export function useAssignFromPool(id: string) {
  const invalidate = useInvalidatePool();
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(api.POST('/api/v1/customer-pool/{customer_id}/assign', { params: { path: { customer_id: id } }, body: { user_id: userId } })),
    onSuccess: invalidate,
  });
}

/**
 * Puts the customer back into the pool. The answer (the customer without owner) replaces the
 * page's copy rather than a refetch: a salesperson whose scope is their own customers could no
 * longer read it. Everything else about the customer (timeline, lists, the pool) is refetched.
 */
export function useReleaseToPool(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reason: string | null) =>
      unwrap(
        api.POST('/api/v1/customers/{customer_id}/release-to-pool', {
          params: { path: { customer_id: id } },
          body: reason ? { reason } : {},
        }),
      ),
    onSuccess: (customer: CustomerRead) => {
      queryClient.setQueryData(['customers', 'detail', id], customer);
      void queryClient.invalidateQueries({
        predicate: (query) => {
          const key = query.queryKey;
          const detailPart = key[0] === 'customers' && key[1] === 'detail' && key[2] === id;
          return (detailPart && key.length > 3) || (key[0] === 'customers' && key[1] === 'list') || key[0] === poolKeys.all[0];
        },
      });
    },
  });
}

/** The default cap, the per-role caps and the caller's own figures. */
export function useOwnershipCaps(enabled = true) {
  return useQuery({
    queryKey: poolKeys.caps,
    queryFn: () => unwrap(api.GET('/api/v1/customer-pool/caps')),
    enabled,
  });
}

export function useSaveCaps() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: OwnershipCaps) => unwrap(api.PUT('/api/v1/customer-pool/caps', { body })),
    onSuccess: (caps) => queryClient.setQueryData(poolKeys.caps, caps),
  });
}

export function usePoolPolicies(enabled = true) {
  return useQuery({
    queryKey: poolKeys.policies,
    queryFn: () =>
      fetchAll((cursor) => unwrap(api.GET('/api/v1/customer-pool/policies', { params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } } }))),
    enabled,
  });
}

/** The levels that have a policy, for suggestions where a customer's level is entered. */
export function usePolicyLevels(enabled = true) {
  const policies = usePoolPolicies(enabled);
  return [...new Set((policies.data ?? []).map((p) => p.level).filter((level): level is string => !!level))].sort();
}

export function useSavePolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { kind: 'create'; body: PoolPolicyCreate } | { kind: 'update'; id: string; body: PoolPolicyUpdate }) =>
      input.kind === 'create'
        ? unwrap(api.POST('/api/v1/customer-pool/policies', { body: input.body }))
        : unwrap(api.PATCH('/api/v1/customer-pool/policies/{policy_id}', { params: { path: { policy_id: input.id } }, body: input.body })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: poolKeys.policies }),
  });
}

export function useDeletePolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/customer-pool/policies/{policy_id}', { params: { path: { policy_id: id } } })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: poolKeys.policies }),
  });
}
