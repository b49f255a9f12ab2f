import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { PAGE_SIZE, useCursorList } from '../../lib/cursorList';
import { saveBlob } from '../exports/api';

/** The record types the backend registers for attachments. */
export type AttachmentParent = 'deal' | 'contract' | 'customer' | 'lead';

/** Categories every record offers; a deal adds those its pipeline's stage gates require. */
export const BASE_CATEGORIES = ['general', 'needs_document', 'competitor_analysis'] as const;

export const attachmentKeys = {
  all: ['attachments'] as const,
  list: (parentType: string, parentId: string) => ['attachments', parentType, parentId] as const,
};

export function useAttachments(parentType: AttachmentParent, parentId: string) {
  return useCursorList(attachmentKeys.list(parentType, parentId), (cursor) =>
    unwrap(
      api.GET('/api/v1/attachments', {
        params: { query: { object_type: parentType, object_id: parentId, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
}

export function useUploadAttachment(parentType: AttachmentParent, parentId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ file, category }: { file: File; category: string }) =>
      unwrap(
        api.POST('/api/v1/attachments', {
          params: { query: { object_type: parentType, object_id: parentId } },
          // The generated type describes the form's fields; the file goes in as a File.
          body: { file: file as unknown as string, category },
          bodySerializer: () => {
            const form = new FormData();
            form.append('file', file, file.name);
            form.append('category', category);
            return form;
          },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: attachmentKeys.list(parentType, parentId) }),
  });
}

export function useDeleteAttachment(parentType: AttachmentParent, parentId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/attachments/{attachment_id}', { params: { path: { attachment_id: id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: attachmentKeys.list(parentType, parentId) }),
  });
}

/**
 * Downloads through the API client (a plain link would lack the bearer token), then hands the
 * blob to the browser under the attachment's own name.
 */
export async function downloadAttachment(id: string, filename: string): Promise<void> {
  const blob = (await unwrap(
    api.GET('/api/v1/attachments/{attachment_id}/download', { params: { path: { attachment_id: id } }, parseAs: 'blob' }),
  )) as Blob;
  saveBlob(blob, filename);
}
