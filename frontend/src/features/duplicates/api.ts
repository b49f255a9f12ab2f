import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { MergeRequest } from '../../api/types';
import { PAGE_SIZE, useCursorList } from '../../lib/cursorList';

export interface DuplicateProbe {
  name?: string;
  phone?: string;
  email?: string;
  kind?: 'company' | 'person';
  exclude_id?: string;
}

export const CHECK_DEBOUNCE_MS = 400;

export const duplicateKeys = {
  check: (probe: DuplicateProbe) => ['duplicates', 'check', probe] as const,
  groups: ['duplicates', 'groups'] as const,
  job: (id: string) => ['jobs', id] as const,
};

/** `value`, once it has stopped changing for `delay` ms. */
export function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

function trimmed(probe: DuplicateProbe): DuplicateProbe {
  const out: DuplicateProbe = {};
  for (const key of ['name', 'phone', 'email'] as const) {
    const value = probe[key]?.trim();
    if (value) out[key] = value;
  }
  if (probe.kind) out.kind = probe.kind;
  if (probe.exclude_id) out.exclude_id = probe.exclude_id;
  return out;
}

/** Possible duplicates of what is being typed: asked once typing pauses, only with something to ask. */
export function useDuplicateCheck(probe: DuplicateProbe) {
  const settled = useDebounced(trimmed(probe), CHECK_DEBOUNCE_MS);
  const ready = Boolean(settled.name || settled.phone || settled.email);
  return useQuery({
    queryKey: duplicateKeys.check(settled),
    queryFn: () => unwrap(api.GET('/api/v1/customers/duplicates/check', { params: { query: settled } })),
    enabled: ready,
    staleTime: 30_000,
  });
}

export function useDuplicateGroups() {
  return useCursorList(duplicateKeys.groups, (cursor) =>
    unwrap(
      api.GET('/api/v1/customers/duplicates', {
        params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : { with_total: true }) } },
      }),
    ),
  );
}

export function useStartScan() {
  return useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/customers/duplicates/scan')) });
}

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/** A job's record, polled every second until it has finished. */
export function useJob(jobId: string | null) {
  return useQuery({
    queryKey: duplicateKeys.job(jobId ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/jobs/{job_id}', { params: { path: { job_id: jobId ?? '' } } })),
    enabled: jobId !== null,
    refetchInterval: (query) => (query.state.data && FINISHED.has(query.state.data.status) ? false : 1000),
  });
}

export function isFinished(status: string | undefined): boolean {
  return status !== undefined && FINISHED.has(status);
}

export function useMerge() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: MergeRequest) => unwrap(api.POST('/api/v1/customers/merge', { body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['customers'] });
      void queryClient.invalidateQueries({ queryKey: ['duplicates'] });
    },
  });
}

export function useUndoMerge() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (auditId: string) =>
      unwrap(api.POST('/api/v1/customers/merge/{audit_id}/undo', { params: { path: { audit_id: auditId } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['customers'] });
      void queryClient.invalidateQueries({ queryKey: ['duplicates'] });
    },
  });
}
