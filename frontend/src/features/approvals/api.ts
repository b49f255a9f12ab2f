import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { ApprovalPolicyUpdate, ApprovalRead, ApprovalStatus, Me } from '../../api/types';
import { PAGE_SIZE, useCursorList } from '../../lib/cursorList';

export const APPROVAL_STATUSES: readonly ApprovalStatus[] = ['pending', 'approved', 'rejected', 'cancelled'];

/** inbox: waiting for my decision; requested: my own requests; all: every request I may see. */
export type ApprovalBox = 'inbox' | 'requested' | 'all';

export interface ApprovalFilters {
  box: ApprovalBox;
  status?: ApprovalStatus;
}

export const approvalKeys = {
  all: ['approvals'] as const,
  list: (filters: ApprovalFilters) => ['approvals', 'list', filters] as const,
  policies: ['approval-policies'] as const,
};

export function useApprovalList(filters: ApprovalFilters) {
  return useCursorList(approvalKeys.list(filters), (cursor) =>
    unwrap(
      api.GET('/api/v1/approvals', {
        params: {
          query: {
            ...(filters.box !== 'all' ? { box: filters.box } : {}),
            ...(filters.status ? { status: filters.status } : {}),
            limit: PAGE_SIZE,
            ...(cursor ? { cursor } : { with_total: true }),
          },
        },
      }),
    ),
  );
}

/**
 * Whether the signed-in user is the one to decide this request: it is pending, they hold
 * approvals:decide, did not ask for it themselves, and it names them or one of their roles
 * (administrators decide any). The server checks the same; this only hides buttons that would
 * be refused.
 */
export function mayDecideOn(request: ApprovalRead, me: Me | undefined, can: (permission: string) => boolean): boolean {
  if (!me || request.status !== 'pending' || !can('approvals:decide') || request.requested_by === me.user.id) return false;
  const roleKeys = new Set(me.roles.map((role) => role.key));
  return request.approver_user_id === me.user.id || (request.approver_role !== null && roleKeys.has(request.approver_role)) || roleKeys.has('admin');
}

export type Decision = { approve: true; comment?: string } | { approve: false; comment: string };

export function useDecide(request: ApprovalRead) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (decision: Decision) => {
      const params = { path: { approval_id: request.id } };
      if (decision.approve) {
        return unwrap(
          api.POST('/api/v1/approvals/{approval_id}/approve', {
            params,
            body: { ...(decision.comment ? { comment: decision.comment } : {}), version: request.version },
          }),
        );
      }
      return unwrap(api.POST('/api/v1/approvals/{approval_id}/reject', { params, body: { comment: decision.comment, version: request.version } }));
    },
    // Decided or refused (409: someone decided first): the lists and the quote are stale either way.
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: approvalKeys.all });
      void queryClient.invalidateQueries({ queryKey: ['quotes'] });
    },
  });
}

export function usePolicies() {
  return useQuery({ queryKey: approvalKeys.policies, queryFn: () => unwrap(api.GET('/api/v1/approval-policies')) });
}

export function useUpdatePolicy(key: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ApprovalPolicyUpdate) => unwrap(api.PUT('/api/v1/approval-policies/{policy_key}', { params: { path: { policy_key: key } }, body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: approvalKeys.policies }),
  });
}
