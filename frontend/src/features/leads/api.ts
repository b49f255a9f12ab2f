import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type {
  CustomerRead,
  LeadAssignRequest,
  LeadConvertRequest,
  LeadConvertResult,
  LeadCreate,
  LeadGrade,
  LeadRuleCreate,
  LeadRuleUpdate,
  LeadStatus,
  LeadUpdate,
} from '../../api/types';
import { PAGE_SIZE, useCursorList } from '../../lib/cursorList';
import { ApiError, parseProblem } from '../../lib/problem';

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

export function useLead(id: string) {
  return useQuery({
    queryKey: leadKeys.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/leads/{lead_id}', { params: { path: { lead_id: id } } })),
  });
}

export function useLeadAssignments(id: string) {
  return useCursorList([...leadKeys.detail(id), 'assignments'], (cursor) =>
    unwrap(
      api.GET('/api/v1/leads/{lead_id}/assignments', {
        params: { path: { lead_id: id }, query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
}

/** After a write to one lead: every lead list and that lead's detail (with its history) are stale. */
function useInvalidateLeads() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: leadKeys.all });
}

export function useUpdateLead(id: string) {
  const invalidate = useInvalidateLeads();
  return useMutation({
    mutationFn: (body: LeadUpdate) => unwrap(api.PATCH('/api/v1/leads/{lead_id}', { params: { path: { lead_id: id } }, body })),
    onSuccess: invalidate,
  });
}

export function useAssignLead(id: string) {
  const invalidate = useInvalidateLeads();
  return useMutation({
    mutationFn: (body: LeadAssignRequest) => unwrap(api.POST('/api/v1/leads/{lead_id}/assign', { params: { path: { lead_id: id } }, body })),
    onSuccess: invalidate,
  });
}

/** A possible duplicate of the new customer, as the convert endpoint's 409 lists it. */
export interface ConvertDuplicate {
  customer: CustomerRead;
  score: number;
  reasons: string[];
}

/** The convert endpoint's 409 when the new customer looks like existing ones. */
export class ConvertDuplicatesError extends ApiError {
  readonly duplicates: ConvertDuplicate[];
  readonly hiddenMatches: number;
  constructor(error: ApiError, duplicates: ConvertDuplicate[], hiddenMatches: number) {
    super(error.problem);
    this.name = 'ConvertDuplicatesError';
    this.duplicates = duplicates;
    this.hiddenMatches = hiddenMatches;
  }
}

export function useConvertLead(id: string) {
  const invalidate = useInvalidateLeads();
  return useMutation({
    mutationFn: async (body: LeadConvertRequest): Promise<LeadConvertResult> => {
      const { data, error, response } = await api.POST('/api/v1/leads/{lead_id}/convert', { params: { path: { lead_id: id } }, body });
      if (response.ok) return data as LeadConvertResult;
      const apiError = new ApiError(parseProblem(error, response));
      const extra = (error ?? {}) as { duplicates?: unknown; hidden_matches?: unknown };
      if (response.status === 409 && (Array.isArray(extra.duplicates) || typeof extra.hidden_matches === 'number')) {
        const duplicates = Array.isArray(extra.duplicates) ? (extra.duplicates as ConvertDuplicate[]) : [];
        throw new ConvertDuplicatesError(apiError, duplicates, typeof extra.hidden_matches === 'number' ? extra.hidden_matches : 0);
      }
      throw apiError;
    },
    onSuccess: invalidate,
  });
}

export const ruleKeys = { all: ['lead-assignment-rules'] as const };

export function useLeadRules() {
  return useQuery({
    queryKey: ruleKeys.all,
    queryFn: () => unwrap(api.GET('/api/v1/lead-assignment-rules')),
  });
}

function useInvalidateRules() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: ruleKeys.all });
}

export function useSaveLeadRule() {
  const invalidate = useInvalidateRules();
  return useMutation({
    mutationFn: (input: { kind: 'update'; id: string; body: LeadRuleUpdate } | { kind: 'create'; body: LeadRuleCreate }) =>
      input.kind === 'update'
        ? unwrap(api.PATCH('/api/v1/lead-assignment-rules/{rule_id}', { params: { path: { rule_id: input.id } }, body: input.body }))
        : unwrap(api.POST('/api/v1/lead-assignment-rules', { body: input.body })),
    onSettled: invalidate,
  });
}

export function useDeleteLeadRule() {
  const invalidate = useInvalidateRules();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/lead-assignment-rules/{rule_id}', { params: { path: { rule_id: id } } })),
    onSettled: invalidate,
  });
}

export function useReorderLeadRules() {
  const invalidate = useInvalidateRules();
  return useMutation({
    mutationFn: (ruleIds: string[]) => unwrap(api.POST('/api/v1/lead-assignment-rules/reorder', { body: { rule_ids: ruleIds } })),
    onSettled: invalidate,
  });
}
