import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { BulkTagRequest, CustomFieldCreate, CustomFieldRead, CustomFieldUpdate, TagRead } from '../../api/types';
import { fetchAll } from '../../lib/cursorList';

/** The object types that carry custom fields (the backend's registry). */
export const OBJECT_TYPES = ['customer', 'contact', 'lead', 'deal'] as const;

/** Where each object type's standard field labels live in the translations. */
export const FIELD_LABELS: Record<ObjectType, string> = {
  customer: 'customers.fields',
  contact: 'contacts.fields',
  lead: 'leads.fields',
  deal: 'deals.fields',
};
export type ObjectType = (typeof OBJECT_TYPES)[number];
export type FieldType = CustomFieldRead['field_type'];
export const FIELD_TYPES: FieldType[] = ['text', 'number', 'decimal', 'date', 'select', 'multi_select', 'boolean', 'user'];
export const DEFAULT_TAG_COLOR = '#1677ff';

export const fieldKeys = {
  all: ['custom-fields'] as const,
  list: (objectType: string) => ['custom-fields', objectType] as const,
  tags: (objectType: string) => ['tags', objectType] as const,
  rules: (objectType: string) => ['completeness-rules', objectType] as const,
};

/** Every definition of an object type (active and inactive), in display order. */
export function useCustomFields(objectType: ObjectType, enabled = true) {
  return useQuery({
    queryKey: fieldKeys.list(objectType),
    queryFn: () =>
      fetchAll((cursor) =>
        unwrap(
          api.GET('/api/v1/custom-fields', {
            params: { query: { object_type: objectType, limit: 200, ...(cursor ? { cursor } : {}) } },
          }),
        ),
      ),
    enabled,
    staleTime: 60_000,
  });
}

/** The active definitions only: what forms render and detail pages show. */
export function useActiveCustomFields(objectType: ObjectType) {
  const query = useCustomFields(objectType);
  return { ...query, fields: (query.data ?? []).filter((field) => field.active) };
}

export function useSaveCustomField() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: CustomFieldCreate | CustomFieldUpdate }) =>
      id
        ? unwrap(api.PATCH('/api/v1/custom-fields/{field_id}', { params: { path: { field_id: id } }, body: body as CustomFieldUpdate }))
        : unwrap(api.POST('/api/v1/custom-fields', { body: body as CustomFieldCreate })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: fieldKeys.all }),
  });
}

export function useDeleteCustomField() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/custom-fields/{field_id}', { params: { path: { field_id: id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: fieldKeys.all }),
  });
}

export function useReorderCustomFields(objectType: ObjectType) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) => unwrap(api.POST('/api/v1/custom-fields/reorder', { body: { object_type: objectType, ids } })),
    onSuccess: (fields) => queryClient.setQueryData(fieldKeys.list(objectType), fields),
  });
}

export function useTags(objectType: ObjectType = 'customer') {
  return useQuery({
    queryKey: fieldKeys.tags(objectType),
    queryFn: () =>
      fetchAll((cursor) =>
        unwrap(api.GET('/api/v1/tags', { params: { query: { object_type: objectType, limit: 200, ...(cursor ? { cursor } : {}) } } })),
      ),
    staleTime: 60_000,
  });
}

/** name → colour, for rendering tags as the catalogue says (unknown names: the default colour). */
export function useTagColors(objectType: ObjectType = 'customer'): (name: string) => string {
  const tags = useTags(objectType);
  const colors = new Map((tags.data ?? []).map((tag: TagRead) => [tag.name, tag.color]));
  return (name) => colors.get(name) ?? DEFAULT_TAG_COLOR;
}

export interface TagValues {
  name: string;
  color: string;
  description?: string | null;
}

export function useSaveTag() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body, version }: { id?: string; body: TagValues; version?: number }) =>
      id
        ? unwrap(api.PATCH('/api/v1/tags/{tag_id}', { params: { path: { tag_id: id } }, body: { ...body, version } }))
        : unwrap(api.POST('/api/v1/tags', { body: { ...body, object_type: 'customer' } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['tags'] });
      // A rename reaches every customer carrying the tag.
      void queryClient.invalidateQueries({ queryKey: ['customers'] });
    },
  });
}

export function useDeleteTag() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/tags/{tag_id}', { params: { path: { tag_id: id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['tags'] });
      void queryClient.invalidateQueries({ queryKey: ['customers'] });
    },
  });
}

export function useCompletenessRules(objectType: ObjectType) {
  return useQuery({
    queryKey: fieldKeys.rules(objectType),
    queryFn: () =>
      unwrap(api.GET('/api/v1/completeness-rules/{object_type}', { params: { path: { object_type: objectType } } })),
  });
}

export function useSaveCompletenessRules(objectType: ObjectType) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (rules: { field: string; weight: number }[]) =>
      unwrap(api.PUT('/api/v1/completeness-rules/{object_type}', { params: { path: { object_type: objectType } }, body: { rules } })),
    onSuccess: (saved) => {
      queryClient.setQueryData(fieldKeys.rules(objectType), saved);
      void queryClient.invalidateQueries({ queryKey: ['customers'] });
    },
  });
}

export function useBulkTag() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BulkTagRequest) => unwrap(api.POST('/api/v1/customers/bulk-tag', { body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['customers'] });
      void queryClient.invalidateQueries({ queryKey: ['tags'] });
    },
  });
}

/** A definition's label in the current language (else the other one, else its key). */
export function fieldLabel(field: Pick<CustomFieldRead, 'key' | 'label'>, language: string): string {
  const zh = language.toLowerCase().startsWith('zh');
  return (zh ? field.label.zh || field.label.en : field.label.en || field.label.zh) || field.key;
}

/** An option's label in the current language (else its value). */
export function optionLabel(field: CustomFieldRead, value: string, language: string): string {
  const option = field.options.find((candidate) => candidate.value === value);
  if (!option?.label) return value;
  const zh = language.toLowerCase().startsWith('zh');
  return (zh ? option.label.zh || option.label.en : option.label.en || option.label.zh) || value;
}
