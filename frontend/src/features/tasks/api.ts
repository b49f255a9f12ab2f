import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { TaskCreate, TaskRead } from '../../api/types';
import { PAGE_SIZE, useCursorList } from '../../lib/cursorList';

export type MyTasksView = 'today' | 'overdue' | 'upcoming';
export type TaskPriority = TaskRead['priority'];

export const taskKeys = {
  all: ['tasks'] as const,
  customer: (customerId: string) => ['tasks', 'customer', customerId] as const,
  mine: (view: MyTasksView, tz: string) => ['tasks', 'mine', view, tz] as const,
};

/** The browser's IANA zone: what "today" means for the "my tasks" views. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Shanghai';
  } catch {
    return 'Asia/Shanghai';
  }
}

export function useCustomerTasks(customerId: string) {
  return useCursorList(taskKeys.customer(customerId), (cursor) =>
    unwrap(
      api.GET('/api/v1/tasks', {
        params: {
          query: { related_type: 'customer', related_id: customerId, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
        },
      }),
    ),
  );
}

export function useMyTasks(view: MyTasksView, tz = browserTimeZone()) {
  return useCursorList(taskKeys.mine(view, tz), (cursor) =>
    unwrap(api.GET('/api/v1/tasks/mine', { params: { query: { view, tz, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } } })),
  );
}

export function useCreateTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TaskCreate) => unwrap(api.POST('/api/v1/tasks', { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: taskKeys.all }),
  });
}

export function useCompleteTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (task: TaskRead) =>
      unwrap(
        api.POST('/api/v1/tasks/{task_id}/complete', {
          params: { path: { task_id: task.id }, header: { 'if-match': `"${task.version}"` } },
        }),
      ),
    onSuccess: (_result, task) => {
      void queryClient.invalidateQueries({ queryKey: taskKeys.all });
      if (task.related_type === 'customer' && task.related_id) {
        void queryClient.invalidateQueries({ queryKey: ['customers', 'detail', task.related_id, 'timeline'] });
      }
    },
  });
}
