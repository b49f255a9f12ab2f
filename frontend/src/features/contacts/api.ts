import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { ContactCreate, ContactUpdate } from '../../api/types';
import { PAGE_SIZE, useCursorList } from '../../lib/cursorList';

/** The contact list's order (the export follows it too). */
export const CONTACT_LIST_SORT = 'name';

export const contactKeys = {
  list: (q: string | undefined) => ['contacts', 'list', q ?? ''] as const,
};

export function useContactList(q: string | undefined) {
  return useCursorList(contactKeys.list(q), (cursor) =>
    unwrap(
      api.GET('/api/v1/contacts', {
        params: { query: { ...(q ? { q } : {}), limit: PAGE_SIZE, sort: CONTACT_LIST_SORT, ...(cursor ? { cursor } : { with_total: true }) } },
      }),
    ),
  );
}

/** After any contact write: the contacts list and the customer's contact card are stale. */
function useInvalidateContacts() {
  const queryClient = useQueryClient();
  return (customerId: string) => {
    void queryClient.invalidateQueries({ queryKey: ['contacts'] });
    void queryClient.invalidateQueries({ queryKey: ['customers', 'detail', customerId, 'contacts'] });
  };
}

export function useCreateContact() {
  const invalidate = useInvalidateContacts();
  return useMutation({
    mutationFn: (body: ContactCreate) => unwrap(api.POST('/api/v1/contacts', { body })),
    onSuccess: (contact) => invalidate(contact.customer_id),
  });
}

export function useUpdateContact() {
  const invalidate = useInvalidateContacts();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: ContactUpdate }) =>
      unwrap(api.PATCH('/api/v1/contacts/{contact_id}', { params: { path: { contact_id: id } }, body })),
    onSuccess: (contact) => invalidate(contact.customer_id),
  });
}

export function useDeleteContact() {
  const invalidate = useInvalidateContacts();
  return useMutation({
    mutationFn: ({ id }: { id: string; customerId: string }) =>
      unwrap(api.DELETE('/api/v1/contacts/{contact_id}', { params: { path: { contact_id: id } } })),
    onSuccess: (_data, { customerId }) => invalidate(customerId),
  });
}
