import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import i18n from '../../i18n';
import { ALL_PERMISSIONS, emptyPage, json, meResponse, problem, stubFetch, type RecordedRequest } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { filenameFrom } from './api';

const JOB_ID = '0192f0b4-0000-7000-8000-0000000000aa';
const EXPORTER = [...ALL_PERMISSIONS, 'customers:export'];

function job(status: string, extra: Record<string, unknown> = {}) {
  return {
    id: JOB_ID,
    kind: 'customers.export',
    status,
    progress: 0,
    total: null,
    done: 0,
    result: null,
    error: null,
    created_by: '00000000-0000-0000-0000-000000000001',
    created_at: '2025-01-01T00:00:00Z',
    started_at: null,
    finished_at: null,
    ...extra,
  };
}

const SUCCEEDED = job('succeeded', {
  progress: 100,
  total: 3,
  done: 3,
  result: { rows: 3, filename: 'Customers-20250101-000000.xlsx', download_url: `/api/v1/exports/${JOB_ID}/file` },
});

/** The API of a list page with one export whose job answers `jobStates` in turn. */
function stubExportApi(permissions: string[], jobStates: unknown[], file?: () => Response): RecordedRequest[] {
  let polls = 0;
  return stubFetch((request) => {
    if (request.path === '/api/v1/auth/me') return json(meResponse(permissions));
    if (request.path === '/api/v1/customers' || request.path === '/api/v1/contacts') return json(emptyPage);
    if (request.path === '/api/v1/exports' && request.method === 'POST') return json(job('queued'), 202);
    if (request.path === `/api/v1/jobs/${JOB_ID}`) return json(jobStates[Math.min(polls++, jobStates.length - 1)]);
    if (request.path === `/api/v1/exports/${JOB_ID}/file` && file) return file();
    return undefined;
  });
}

async function chooseFormat(user: ReturnType<typeof userEvent.setup>, testId: string, label: string) {
  await user.click(await screen.findByTestId(testId));
  await user.click(await screen.findByText(label));
}

describe('export button', () => {
  let saved: { click: () => void; names: string[] };

  beforeEach(() => {
    saved = { click: vi.fn<() => void>(), names: [] };
    Object.defineProperty(URL, 'createObjectURL', { configurable: true, writable: true, value: vi.fn(() => 'blob:export') });
    Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, writable: true, value: vi.fn() });
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.names.push(this.download);
      saved.click();
    });
  });

  afterEach(() => {
    delete (URL as { createObjectURL?: unknown }).createObjectURL;
    delete (URL as { revokeObjectURL?: unknown }).revokeObjectURL;
  });

  it('exports the current filters, follows the job and downloads the file with the token', async () => {
    const requests = stubExportApi(EXPORTER, [job('running', { progress: 40, total: 5, done: 2 }), SUCCEEDED], () =>
      new Response('PK...', {
        status: 200,
        headers: {
          'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'Content-Disposition': `attachment; filename="customers-1.xlsx"; filename*=UTF-8''%E5%AE%A2%E6%88%B7-1.xlsx`,
        },
      }),
    );
    const user = userEvent.setup();
    renderApp('/customers?q=acme&kind=company&sort=name');

    await chooseFormat(user, 'export-customers', 'Excel (.xlsx)');

    const post = await waitFor(() => {
      const found = requests.find((r) => r.method === 'POST' && r.path === '/api/v1/exports');
      expect(found).toBeDefined();
      return found!;
    });
    expect(JSON.parse(post.body)).toEqual({
      object_type: 'customers',
      format: 'xlsx',
      header: 'labels',
      filters: { q: 'acme', kind: 'company', sort: 'name' },
      language: 'en',
    });
    expect(await screen.findByText('2 of 5 rows written')).toBeInTheDocument();
    expect(await screen.findByText('3 rows exported. The file is ready.', {}, { timeout: 4000 })).toBeInTheDocument();

    await user.click(screen.getByTestId('export-download'));
    await waitFor(() => expect(saved.click).toHaveBeenCalledTimes(1));
    expect(saved.names).toEqual(['客户-1.xlsx']);
    const download = requests.find((r) => r.path === `/api/v1/exports/${JOB_ID}/file`)!;
    expect(download.headers.get('Authorization')).toBe('Bearer access-1');
    expect(URL.createObjectURL).toHaveBeenCalledTimes(1);
  });

  it('shows why an export failed', async () => {
    stubExportApi(EXPORTER, [
      job('failed', { progress: 33, error: 'An Excel sheet holds at most 1,048,575 rows; narrow the filters or export as CSV.' }),
    ]);
    const user = userEvent.setup();
    renderApp('/customers');

    await chooseFormat(user, 'export-customers', 'CSV (.csv)');
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByText('The export failed')).toBeInTheDocument();
    expect(within(dialog).getByText(/holds at most 1,048,575 rows/)).toBeInTheDocument();
    expect(screen.queryByTestId('export-download')).not.toBeInTheDocument();
  });

  it('shows the problem when the export cannot start or the file is gone', async () => {
    let refuse = true;
    stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(EXPORTER));
      if (request.path === '/api/v1/customers') return json(emptyPage);
      if (request.path === '/api/v1/exports' && request.method === 'POST') {
        if (refuse) return problem(422, "Cannot sort by 'phone'. Sortable fields: created_at, name, updated_at.");
        return json(job('queued'), 202);
      }
      if (request.path === `/api/v1/jobs/${JOB_ID}`) return json(SUCCEEDED);
      if (request.path === `/api/v1/exports/${JOB_ID}/file`)
        return problem(410, "The export's file has expired and was deleted; export again.");
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/customers?sort=phone');

    await chooseFormat(user, 'export-customers', 'CSV (.csv)');
    expect(await screen.findByText(/Cannot sort by 'phone'/)).toBeInTheDocument();

    refuse = false;
    await user.click(screen.getByTestId('export-close'));
    await chooseFormat(user, 'export-customers', 'CSV (.csv)');
    await user.click(await screen.findByTestId('export-download'));
    expect(await screen.findByText(/has expired and was deleted/)).toBeInTheDocument();
    expect(saved.click).not.toHaveBeenCalled();
  });

  it('exports contacts in Chinese, and is hidden without the export right', async () => {
    const requests = stubExportApi(EXPORTER, [SUCCEEDED]);
    await i18n.changeLanguage('zh-CN');
    const user = userEvent.setup();
    const view = renderApp('/contacts');

    await chooseFormat(user, 'export-contacts', 'Excel（.xlsx）');
    expect(await screen.findByText('已导出 3 行，文件已就绪。')).toBeInTheDocument();
    const post = requests.find((r) => r.method === 'POST' && r.path === '/api/v1/exports')!;
    expect(JSON.parse(post.body)).toMatchObject({ object_type: 'contacts', format: 'xlsx', filters: { sort: 'name' }, language: 'zh-CN' });
    view.unmount();

    stubExportApi(ALL_PERMISSIONS, [SUCCEEDED]);
    renderApp('/customers');
    expect(await screen.findByTestId('customer-table')).toBeInTheDocument();
    expect(screen.queryByTestId('export-customers')).not.toBeInTheDocument();
  });
});

describe('filenameFrom', () => {
  it('prefers the UTF-8 name, then the plain one, then the fallback', () => {
    expect(filenameFrom(`attachment; filename="a.csv"; filename*=UTF-8''%E5%AE%A2%E6%88%B7.csv`, 'x')).toBe('客户.csv');
    expect(filenameFrom('attachment; filename="a.csv"', 'x')).toBe('a.csv');
    expect(filenameFrom(`attachment; filename*=UTF-8''%E5%ZZ`, 'x')).toBe('x');
    expect(filenameFrom(null, 'fallback.csv')).toBe('fallback.csv');
  });
});
