import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { ActivityCreate } from '../../api/types';
import { useCursorList } from '../../lib/cursorList';

export const TIMELINE_PAGE_SIZE = 20;

export const activityKeys = {
  timeline: (customerId: string) => ['customers', 'detail', customerId, 'timeline'] as const,
};

/** The customer's timeline (activities and events), newest first, one cursor page at a time. */
export function useTimeline(customerId: string) {
  return useCursorList(activityKeys.timeline(customerId), (cursor) =>
    unwrap(
      api.GET('/api/v1/customers/{customer_id}/timeline', {
        params: { path: { customer_id: customerId }, query: { limit: TIMELINE_PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
}

export function useLogActivity(customerId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ActivityCreate) => unwrap(api.POST('/api/v1/activities', { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: activityKeys.timeline(customerId) }),
  });
}
