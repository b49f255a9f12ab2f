import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

type Schemas = components['schemas'];
export type FieldRuleItem = Schemas['FieldRuleItem'];
export type FieldAccess = FieldRuleItem['access'];
export type ProtectedObjectRead = Schemas['ProtectedObjectRead'];

export const fieldPermissionKeys = {
  objects: ['field-permissions', 'objects'] as const,
  rules: (roleId: string) => ['field-permissions', 'rules', roleId] as const,
};

/** The object types and fields a rule may name. */
export function useProtectedObjects() {
  return useQuery({
    queryKey: fieldPermissionKeys.objects,
    queryFn: () => unwrap(api.GET('/api/v1/field-permissions/objects')),
  });
}

export function useFieldRules(roleId: string | undefined) {
  return useQuery({
    queryKey: fieldPermissionKeys.rules(roleId ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/roles/{role_id}/field-rules', { params: { path: { role_id: roleId ?? '' } } })),
    enabled: Boolean(roleId),
  });
}

/** Replaces every field rule of the role. */
export function useSaveFieldRules(roleId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (rules: FieldRuleItem[]) =>
      unwrap(api.PUT('/api/v1/roles/{role_id}/field-rules', { params: { path: { role_id: roleId } }, body: { rules } })),
    onSuccess: (saved) => client.setQueryData(fieldPermissionKeys.rules(roleId), saved),
  });
}
