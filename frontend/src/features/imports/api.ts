import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import type { ImportCommitRequest, ImportOptions, ImportStatus } from '../../api/types';
import { toSupportedLanguage } from '../../i18n';
import { PAGE_SIZE, useCursorList } from '../../lib/cursorList';
import { filenameFrom, saveBlob } from '../exports/api';
import type { ColumnMapping } from './mapping';
import { requestMapping } from './mapping';

export type TemplateFormat = 'csv' | 'xlsx';
export type RowStatus = 'error' | 'duplicate' | 'warning';

/** How often a running preview or commit is asked for its state. */
export const POLL_INTERVAL_MS = 1000;

/** States in which a worker job is busy with the import: poll until it leaves them. */
const BUSY = new Set(['previewing', 'committing', 'cancelling']);

export function isBusy(status: string | undefined): boolean {
  return status !== undefined && BUSY.has(status);
}

export const importKeys = {
  objectTypes: (language: string) => ['imports', 'object-types', language] as const,
  list: (filters: ImportListFilters) => ['imports', 'list', filters] as const,
  one: (id: string) => ['imports', id] as const,
  rows: (id: string, status: RowStatus, version: string) => ['imports', id, 'rows', status, version] as const,
  job: (id: string) => ['jobs', id] as const,
};

export interface ImportListFilters {
  q?: string;
  status?: ImportStatus;
}

/** The imports the caller may see (their own; everyone's with admin:imports), newest first. */
export function useImportList(filters: ImportListFilters) {
  return useCursorList(importKeys.list(filters), (cursor) =>
    unwrap(
      api.GET('/api/v1/imports', {
        params: {
          query: {
            ...(filters.q ? { q: filters.q } : {}),
            ...(filters.status ? { status: filters.status } : {}),
            limit: PAGE_SIZE,
            ...(cursor ? { cursor } : { with_total: true }),
          },
        },
      }),
    ),
  );
}

/** Labels of fields and object types come in the SPA's language, not the browser's. */
function useLanguageHeader(): Record<string, string> {
  const { i18n } = useTranslation();
  return { 'Accept-Language': toSupportedLanguage(i18n.language) };
}

/** What the user may import, with the fields a column can be mapped to. */
export function useObjectTypes() {
  const headers = useLanguageHeader();
  return useQuery({
    queryKey: importKeys.objectTypes(headers['Accept-Language']),
    queryFn: () => unwrap(api.GET('/api/v1/imports/object-types', { headers })),
    staleTime: 60_000,
  });
}

export interface UploadInput {
  file: File;
  objectType: string;
}

export function useUpload() {
  const headers = useLanguageHeader();
  return useMutation({
    mutationFn: ({ file, objectType }: UploadInput) =>
      unwrap(
        api.POST('/api/v1/imports', {
          // The generated type describes the form's fields; the file goes in as a File.
          body: { file: file as unknown as string, object_type: objectType },
          bodySerializer: () => {
            const form = new FormData();
            form.append('file', file, file.name);
            form.append('object_type', objectType);
            return form;
          },
          headers,
        }),
      ),
  });
}

export interface PreviewInput {
  id: string;
  mapping: ColumnMapping;
  options: ImportOptions;
}

export function usePreview() {
  const headers = useLanguageHeader();
  return useMutation({
    mutationFn: ({ id, mapping, options }: PreviewInput) =>
      unwrap(
        api.POST('/api/v1/imports/{import_id}/preview', {
          params: { path: { import_id: id } },
          body: { mapping: requestMapping(mapping), options },
          headers,
        }),
      ),
  });
}

export function useCommit() {
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: ImportCommitRequest }) =>
      unwrap(api.POST('/api/v1/imports/{import_id}/commit', { params: { path: { import_id: id } }, body })),
  });
}

export function useCancelImport() {
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/imports/{import_id}/cancel', { params: { path: { import_id: id } } })),
  });
}

/** An import, polled while its preview or commit runs. */
export function useImport(id: string | undefined) {
  return useQuery({
    queryKey: importKeys.one(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/imports/{import_id}', { params: { path: { import_id: id! } } })),
    enabled: id !== undefined,
    refetchInterval: (query) => (isBusy(query.state.data?.status) ? POLL_INTERVAL_MS : false),
  });
}

/** The commit's job (progress, done, total), polled while the import is being written. */
export function useImportJob(jobId: string | null | undefined, running: boolean) {
  return useQuery({
    queryKey: importKeys.job(jobId ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/jobs/{job_id}', { params: { path: { job_id: jobId! } } })),
    enabled: Boolean(jobId),
    refetchInterval: running ? POLL_INTERVAL_MS : false,
  });
}

/**
 * The preview's rows of one status, paged. `version` (the preview job) starts a new list when the
 * import is previewed again.
 */
export function useImportRows(id: string, status: RowStatus, version: string) {
  return useCursorList(importKeys.rows(id, status, version), (cursor) =>
    unwrap(
      api.GET('/api/v1/imports/{import_id}/rows', {
        params: { path: { import_id: id }, query: { status, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
}

async function saveDownload(call: Promise<{ data?: unknown; error?: unknown; response: Response }>, fallback: string): Promise<string> {
  const blob = (await unwrap(call)) as Blob;
  const { response } = await call;
  const filename = filenameFrom(response.headers.get('Content-Disposition'), fallback);
  saveBlob(blob, filename);
  return filename;
}

/** Downloads the empty template of an object type (sent with the token, saved as a file). */
export function downloadTemplate(objectType: string, format: TemplateFormat, language: string): Promise<string> {
  return saveDownload(
    api.GET('/api/v1/imports/templates/{object_type}', {
      params: { path: { object_type: objectType }, query: { format } },
      headers: { 'Accept-Language': toSupportedLanguage(language) },
      parseAs: 'blob',
    }),
    `${objectType}-template.${format}`,
  );
}

/** Downloads the rows the import rejects, as CSV. */
export function downloadErrorReport(id: string): Promise<string> {
  return saveDownload(
    api.GET('/api/v1/imports/{import_id}/error-report', { params: { path: { import_id: id } }, parseAs: 'blob' }),
    `import-${id}-errors.csv`,
  );
}
