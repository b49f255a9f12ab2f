import { useMutation, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { ExportCreate, JobRead } from '../../api/types';

export type ExportFormat = NonNullable<ExportCreate['format']>;
export type ExportObjectType = 'customers' | 'contacts';

/** How often a running export's job is asked for its progress. */
export const POLL_INTERVAL_MS = 1000;

export function isFinished(job: JobRead | undefined): boolean {
  return job?.status === 'succeeded' || job?.status === 'failed' || job?.status === 'cancelled';
}

export function useStartExport() {
  return useMutation({
    mutationFn: (body: ExportCreate) => unwrap(api.POST('/api/v1/exports', { body })),
  });
}

/** The job of an export, polled until it has finished. */
export function useExportJob(jobId: string | undefined) {
  return useQuery({
    queryKey: ['jobs', jobId],
    queryFn: () => unwrap(api.GET('/api/v1/jobs/{job_id}', { params: { path: { job_id: jobId! } } })),
    enabled: jobId !== undefined,
    refetchInterval: (query) => (isFinished(query.state.data) ? false : POLL_INTERVAL_MS),
  });
}

/** The file name the server chose (RFC 6266 `filename*` first), else `fallback`. */
export function filenameFrom(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // Malformed escapes: fall through to the plain name.
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"/i.exec(disposition);
  return plain?.[1] || fallback;
}

/** Hands a blob to the browser as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Give the browser a moment to start reading before the blob is released.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Downloads an export's file through the API client (so the bearer token is sent and refreshed
 * like on every other call), then saves it.
 */
export async function downloadExport(jobId: string, fallbackName: string): Promise<string> {
  const call = api.GET('/api/v1/exports/{job_id}/file', { params: { path: { job_id: jobId } }, parseAs: 'blob' });
  const blob = (await unwrap(call)) as Blob; // throws the problem (409 not ready, 410 expired)
  const { response } = await call;
  const filename = filenameFrom(response.headers.get('Content-Disposition'), fallbackName);
  saveBlob(blob, filename);
  return filename;
}
