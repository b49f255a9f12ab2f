import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type {
  ContractCreate,
  ContractRenew,
  ContractStatus,
  ContractTemplateCreate,
  ContractTemplateUpdate,
  ContractUpdate,
  OrderFromContract,
} from '../../api/types';
import { fetchAll, PAGE_SIZE, useCursorList } from '../../lib/cursorList';

export const CONTRACT_STATUSES: readonly ContractStatus[] = ['draft', 'in_review', 'signed', 'expired', 'terminated'];

/** The moves the server allows from each status (backend CONTRACT_TRANSITIONS); others are a 409. */
export const CONTRACT_TRANSITIONS: Record<ContractStatus, readonly ContractStatus[]> = {
  draft: ['in_review'],
  in_review: ['draft', 'signed'],
  signed: ['expired', 'terminated'],
  expired: [],
  terminated: [],
};

export const CONTRACT_STATUS_COLORS: Record<ContractStatus, string> = {
  draft: 'default',
  in_review: 'processing',
  signed: 'success',
  expired: 'warning',
  terminated: 'error',
};

export interface ContractFilters {
  q?: string;
  status?: ContractStatus;
  customer_id?: string;
  deal_id?: string;
}

export const contractKeys = {
  all: ['contracts'] as const,
  list: (filters: ContractFilters) => ['contracts', 'list', filters] as const,
  detail: (id: string) => ['contracts', 'detail', id] as const,
};

export const templateKeys = { all: ['contract-templates'] as const };

function filterQuery(filters: ContractFilters) {
  const q = filters.q?.trim();
  return {
    ...(q ? { q } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.customer_id ? { customer_id: filters.customer_id } : {}),
    ...(filters.deal_id ? { deal_id: filters.deal_id } : {}),
  };
}

export function useContractList(filters: ContractFilters) {
  return useCursorList(contractKeys.list(filters), (cursor) =>
    unwrap(
      api.GET('/api/v1/contracts', {
        params: { query: { ...filterQuery(filters), limit: PAGE_SIZE, ...(cursor ? { cursor } : { with_total: true }) } },
      }),
    ),
  );
}

export function useContract(id: string) {
  return useQuery({
    queryKey: contractKeys.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/contracts/{contract_id}', { params: { path: { contract_id: id } } })),
  });
}

function useInvalidateContracts() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: contractKeys.all });
}

export function useCreateContract() {
  const invalidate = useInvalidateContracts();
  return useMutation({
    mutationFn: (body: ContractCreate) => unwrap(api.POST('/api/v1/contracts', { body })),
    onSuccess: invalidate,
  });
}

export function useUpdateContract(id: string) {
  const invalidate = useInvalidateContracts();
  return useMutation({
    mutationFn: (body: ContractUpdate) =>
      unwrap(api.PATCH('/api/v1/contracts/{contract_id}', { params: { path: { contract_id: id } }, body })),
    onSuccess: invalidate,
  });
}

export function useTransitionContract(id: string) {
  const invalidate = useInvalidateContracts();
  return useMutation({
    mutationFn: (body: { status: ContractStatus; version: number }) =>
      unwrap(api.POST('/api/v1/contracts/{contract_id}/transition', { params: { path: { contract_id: id } }, body })),
    onSettled: invalidate,
  });
}

export function useRenewContract(id: string) {
  const invalidate = useInvalidateContracts();
  return useMutation({
    mutationFn: (body: ContractRenew) =>
      unwrap(api.POST('/api/v1/contracts/{contract_id}/renew', { params: { path: { contract_id: id } }, body })),
    onSuccess: invalidate,
  });
}

export function useCreateOrderFromContract(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: OrderFromContract) =>
      unwrap(api.POST('/api/v1/contracts/{contract_id}/orders', { params: { path: { contract_id: id } }, body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['orders'] }),
  });
}

/** The orders made from one contract. */
export function useContractOrders(contractId: string) {
  return useQuery({
    queryKey: ['orders', 'list', { contract_id: contractId }, 'of-contract'],
    queryFn: () => unwrap(api.GET('/api/v1/orders', { params: { query: { contract_id: contractId, limit: 100 } } })),
  });
}

// --- templates ----------------------------------------------------------------------------------

/** Every template (a small collection), optionally only the active ones. */
export function useTemplates(activeOnly = false) {
  return useQuery({
    queryKey: [...templateKeys.all, { activeOnly }],
    queryFn: () =>
      fetchAll((cursor) =>
        unwrap(
          api.GET('/api/v1/contract-templates', {
            params: { query: { limit: 100, ...(activeOnly ? { active: true } : {}), ...(cursor ? { cursor } : {}) } },
          }),
        ),
      ),
  });
}

export function useTemplate(id: string | null | undefined) {
  return useQuery({
    queryKey: [...templateKeys.all, 'detail', id],
    queryFn: () => unwrap(api.GET('/api/v1/contract-templates/{template_id}', { params: { path: { template_id: id ?? '' } } })),
    enabled: Boolean(id),
  });
}

export function useSaveTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { kind: 'update'; id: string; body: ContractTemplateUpdate } | { kind: 'create'; body: ContractTemplateCreate }) =>
      input.kind === 'update'
        ? unwrap(api.PATCH('/api/v1/contract-templates/{template_id}', { params: { path: { template_id: input.id } }, body: input.body }))
        : unwrap(api.POST('/api/v1/contract-templates', { body: input.body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: templateKeys.all }),
  });
}

export function useDeleteTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/contract-templates/{template_id}', { params: { path: { template_id: id } } })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: templateKeys.all }),
  });
}
