import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { CustomerCreate, CustomerRead, CustomerUpdate } from '../../api/types';
import { PAGE_SIZE, useCursorList } from '../../lib/cursorList';

export type CustomerKind = CustomerRead['kind'];

export interface CustomerFilters {
  q?: string;
  kind?: CustomerKind;
  industry?: string;
  source?: string;
  tag?: string;
  sort?: string;
}

export const customerKeys = {
  all: ['customers'] as const,
  list: (filters: CustomerFilters) => ['customers', 'list', filters] as const,
  detail: (id: string) => ['customers', 'detail', id] as const,
  contacts: (id: string) => ['customers', 'detail', id, 'contacts'] as const,
};

export function useCustomerList(filters: CustomerFilters) {
  return useCursorList(customerKeys.list(filters), (cursor) =>
    unwrap(
      api.GET('/api/v1/customers', {
        params: {
          query: {
            ...filters,
            limit: PAGE_SIZE,
            ...(cursor ? { cursor } : { with_total: true }),
          },
        },
      }),
    ),
  );
}

/** One customer (its page, or the name next to a record that refers to it; cached per id). */
export function useCustomer(id: string | null | undefined, enabled = true) {
  return useQuery({
    queryKey: customerKeys.detail(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/customers/{customer_id}', { params: { path: { customer_id: id ?? '' } } })),
    enabled: Boolean(id) && enabled,
  });
}

/** The first customers matching a search, for the customer pickers of other features. */
export function useCustomerSearch(q: string, enabled = true) {
  return useQuery({
    queryKey: ['customers', 'list', 'picker', q],
    queryFn: () => unwrap(api.GET('/api/v1/customers', { params: { query: { limit: 20, ...(q ? { q } : {}) } } })),
    enabled,
  });
}

export function useCustomerContacts(id: string, enabled = true) {
  return useQuery({
    queryKey: customerKeys.contacts(id),
    queryFn: () =>
      unwrap(api.GET('/api/v1/customers/{customer_id}/contacts', { params: { path: { customer_id: id }, query: { limit: 200 } } })),
    enabled,
  });
}

export function useCreateCustomer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CustomerCreate) => unwrap(api.POST('/api/v1/customers', { body })),
    onSuccess: (customer) => {
      queryClient.setQueryData(customerKeys.detail(customer.id), customer);
      void queryClient.invalidateQueries({ queryKey: ['customers', 'list'] });
    },
  });
}

export function useUpdateCustomer(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CustomerUpdate) => unwrap(api.PATCH('/api/v1/customers/{customer_id}', { params: { path: { customer_id: id } }, body })),
    onSuccess: (customer) => {
      queryClient.setQueryData(customerKeys.detail(id), customer);
      void queryClient.invalidateQueries({ queryKey: ['customers', 'list'] });
    },
  });
}

export function useDeleteCustomer(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/customers/{customer_id}', { params: { path: { customer_id: id } } })),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: customerKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: ['customers', 'list'] });
    },
  });
}
