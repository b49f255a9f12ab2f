import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type {
  DepartmentCreate,
  DepartmentUpdate,
  RoleCreate,
  RoleUpdate,
  UserCreate,
  UserUpdate,
} from '../../api/types';
import { fetchAll, PAGE_SIZE, useCursorList } from '../../lib/cursorList';

export const adminKeys = {
  users: ['admin', 'users'] as const,
  usersList: (q: string | undefined) => ['admin', 'users', 'list', q ?? ''] as const,
  userOptions: ['admin', 'users', 'options'] as const,
  departments: ['admin', 'departments'] as const,
  roles: ['admin', 'roles'] as const,
  permissions: ['admin', 'permissions'] as const,
};

export function useUserList(q: string | undefined) {
  return useCursorList(adminKeys.usersList(q), (cursor) =>
    unwrap(
      api.GET('/api/v1/users', {
        params: { query: { ...(q ? { q } : {}), limit: PAGE_SIZE, ...(cursor ? { cursor } : { with_total: true }) } },
      }),
    ),
  );
}

/** Every user, for pickers (manager select). */
export function useAllUsers(enabled = true) {
  return useQuery({
    queryKey: adminKeys.userOptions,
    queryFn: () => fetchAll((cursor) => unwrap(api.GET('/api/v1/users', { params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } } }))),
    enabled,
  });
}

export function useDepartments(enabled = true) {
  return useQuery({
    queryKey: adminKeys.departments,
    queryFn: () =>
      fetchAll((cursor) => unwrap(api.GET('/api/v1/departments', { params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } } }))),
    enabled,
  });
}

export function useRoles(enabled = true) {
  return useQuery({
    queryKey: adminKeys.roles,
    queryFn: () => fetchAll((cursor) => unwrap(api.GET('/api/v1/roles', { params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } } }))),
    enabled,
  });
}

export function usePermissionCatalog() {
  return useQuery({
    queryKey: adminKeys.permissions,
    queryFn: () => unwrap(api.GET('/api/v1/permissions')),
    staleTime: Infinity,
  });
}

function useInvalidate(key: readonly string[]) {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: key });
}

export function useSaveUser() {
  const invalidate = useInvalidate(adminKeys.users);
  return useMutation({
    mutationFn: (input: { id?: undefined; body: UserCreate } | { id: string; body: UserUpdate }) =>
      input.id === undefined
        ? unwrap(api.POST('/api/v1/users', { body: input.body }))
        : unwrap(api.PATCH('/api/v1/users/{user_id}', { params: { path: { user_id: input.id } }, body: input.body })),
    onSuccess: invalidate,
  });
}

export function useSaveDepartment() {
  const invalidate = useInvalidate(adminKeys.departments);
  return useMutation({
    mutationFn: (input: { id?: undefined; body: DepartmentCreate } | { id: string; body: DepartmentUpdate }) =>
      input.id === undefined
        ? unwrap(api.POST('/api/v1/departments', { body: input.body }))
        : unwrap(api.PATCH('/api/v1/departments/{department_id}', { params: { path: { department_id: input.id } }, body: input.body })),
    onSuccess: invalidate,
  });
}

export function useDeleteDepartment() {
  const invalidate = useInvalidate(adminKeys.departments);
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/departments/{department_id}', { params: { path: { department_id: id } } })),
    onSuccess: invalidate,
  });
}

export function useSaveRole() {
  const invalidate = useInvalidate(adminKeys.roles);
  return useMutation({
    mutationFn: (input: { id?: undefined; body: RoleCreate } | { id: string; body: RoleUpdate }) =>
      input.id === undefined
        ? unwrap(api.POST('/api/v1/roles', { body: input.body }))
        : unwrap(api.PATCH('/api/v1/roles/{role_id}', { params: { path: { role_id: input.id } }, body: input.body })),
    onSuccess: invalidate,
  });
}

export function useDeleteRole() {
  const invalidate = useInvalidate(adminKeys.roles);
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/roles/{role_id}', { params: { path: { role_id: id } } })),
    onSuccess: invalidate,
  });
}
