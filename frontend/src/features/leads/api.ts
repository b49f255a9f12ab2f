import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { LeadCreate, LeadGrade, LeadStatus } from '../../api/types';
import { PAGE_SIZE, useCursorList } from '../../lib/cursorList';

export const LEAD_STATUSES: readonly LeadStatus[] = ['new', 'contacted', 'qualified', 'unqualified', 'converted'];
export const LEAD_GRADES: readonly LeadGrade[] = ['A', 'B', 'C'];

export interface LeadFilters {
  q?: string;
  status?: LeadStatus;
  grade?: LeadGrade;
  source?: string;
}

export const leadKeys = {
  all: ['leads'] as const,
  list: (filters: LeadFilters) => ['leads', 'list', filters] as const,
  pool: (filters: LeadFilters) => ['leads', 'pool', filters] as const,
  detail: (id: string) => ['leads', 'detail', id] as const,
};

/** The filter values actually set (the API refuses empty strings for its enums). */
function filterQuery(filters: LeadFilters) {
  const q = filters.q?.trim();
  const source = filters.source?.trim();
  return {
    ...(q ? { q } : {}),
    ...(source ? { source } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.grade ? { grade: filters.grade } : {}),
  };
}

export function useLeadList(filters: LeadFilters) {
  return useCursorList(leadKeys.list(filters), (cursor) =>
    unwrap(
      api.GET('/api/v1/leads', {
        params: { query: { ...filterQuery(filters), limit: PAGE_SIZE, ...(cursor ? { cursor } : { with_total: true }) } },
      }),
    ),
  );
}

export function useLeadPool(filters: LeadFilters) {
  return useCursorList(leadKeys.pool(filters), (cursor) =>
    unwrap(
      api.GET('/api/v1/leads/pool', {
        params: { query: { ...filterQuery(filters), limit: PAGE_SIZE, ...(cursor ? { cursor } : { with_total: true }) } },
      }),
    ),
  );
}

export function useCreateLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LeadCreate) => unwrap(api.POST('/api/v1/leads', { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: leadKeys.all }),
  });
}

export function useClaimLead() {
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/leads/{lead_id}/claim', { params: { path: { lead_id: id } } })),
  });
}
