import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { json, meResponse, problem, stubFetch, type RecordedRequest } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { CUSTOMER, SALES, SLOW, USERS, deal, pipeline } from '../deals/testData';

const FILE = {
  id: 'a1',
  object_type: 'deal',
  object_id: 'd1',
  category: 'needs_document',
  filename: 'needs.pdf',
  content_type: 'application/pdf',
  size: 2048,
  uploaded_by: '00000000-0000-0000-0000-000000000001',
  created_at: '2026-11-02T09:00:00Z',
};

function stub(extra: (r: RecordedRequest) => Response | undefined) {
  return stubFetch((request) => {
    const { method, path } = request;
    const answer = extra(request);
    if (answer) return answer;
    if (path === '/api/v1/auth/me') return json(meResponse(SALES));
    if (path === '/api/v1/users') return json(USERS);
    if (path === '/api/v1/customers/c1') return json(CUSTOMER);
    if (path === '/api/v1/pipelines') return json([pipeline()]);
    if (method === 'GET' && path === '/api/v1/deals/d1') return json(deal('d1'));
    if (path === '/api/v1/deals/d1/stage-history') return json({ changes: [], time_in_stages: [] });
    if (method === 'GET' && path === '/api/v1/attachments') return json({ items: [FILE], next_cursor: null });
    return undefined;
  });
}

async function upload(user: ReturnType<typeof userEvent.setup>, name: string) {
  const input = (await screen.findByTestId('attachments-upload', undefined, SLOW)).querySelector('input[type=file]') as HTMLInputElement;
  await user.upload(input, new File(['%PDF-1.4'], name, { type: 'application/pdf' }));
}

describe('the attachments card (on a deal)', () => {
  beforeEach(() => {
    Object.defineProperty(URL, 'createObjectURL', { configurable: true, writable: true, value: vi.fn(() => 'blob:file') });
    Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, writable: true, value: vi.fn() });
  });
  afterEach(() => {
    delete (URL as { createObjectURL?: unknown }).createObjectURL;
    delete (URL as { revokeObjectURL?: unknown }).revokeObjectURL;
  });

  it('lists the files of the record and uploads one as multipart with the chosen category', async () => {
    const requests = stub(({ method, path }) => (method === 'POST' && path === '/api/v1/attachments' ? json({ ...FILE, id: 'a2', category: 'competitor_analysis' }, 201) : undefined));
    const user = userEvent.setup();
    renderApp('/deals/d1');

    const row = await screen.findByTestId('attachments-row', undefined, SLOW);
    expect(within(row).getByText('needs.pdf')).toBeInTheDocument();
    expect(within(row).getByTestId('attachments-category')).toHaveTextContent('Needs document');
    expect(within(row).getByText('2.0 KB')).toBeInTheDocument();
    const list = requests.find((r) => r.method === 'GET' && r.path === '/api/v1/attachments')!;
    expect(list.url.searchParams.get('object_type')).toBe('deal');
    expect(list.url.searchParams.get('object_id')).toBe('d1');

    await user.click(within(screen.getByTestId('attachments-category-select')).getByRole('combobox'));
    await user.click(await screen.findByTitle('Competitor analysis'));
    await upload(user, 'rivals.pdf');
    await waitFor(() => expect(requests.some((r) => r.method === 'POST' && r.path === '/api/v1/attachments')).toBe(true), SLOW);
    const sent = requests.find((r) => r.method === 'POST' && r.path === '/api/v1/attachments')!;
    expect(sent.url.searchParams.get('object_type')).toBe('deal');
    expect(sent.url.searchParams.get('object_id')).toBe('d1');
    expect(sent.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/);
    expect(sent.body).toContain('name="category"');
    expect(sent.body).toContain('competitor_analysis');
    expect(sent.body).toContain('name="file"');
    expect(sent.headers.get('Authorization')).toBe('Bearer access-1');
    expect(await screen.findByText('rivals.pdf uploaded', undefined, SLOW)).toBeInTheDocument();
  });

  it('says in words when the file is refused as too large (413) or of a refused type (415)', async () => {
    let calls = 0;
    stub(({ method, path }) => {
      if (method !== 'POST' || path !== '/api/v1/attachments') return undefined;
      calls += 1;
      return calls === 1
        ? problem(413, 'The file is larger than the limit of 10485760 bytes.')
        : problem(415, 'Executable files are not accepted as attachments.', { errors: [{ loc: ['body', 'file'], msg: 'Executable', type: 'unsupported_type' }] });
    });
    const user = userEvent.setup();
    renderApp('/deals/d1');

    await upload(user, 'huge.pdf');
    expect(await screen.findByTestId('attachments-error', undefined, SLOW)).toHaveTextContent(
      'The file is too large to upload. The file is larger than the limit of 10485760 bytes.',
    );
    await upload(user, 'setup.exe');
    await waitFor(() => expect(screen.getByTestId('attachments-error')).toHaveTextContent('This kind of file is not accepted (executables are refused).'), SLOW);
  });

  it('downloads through the API client with the bearer token and deletes a file', async () => {
    const requests = stub(({ method, path }) => {
      if (path === '/api/v1/attachments/a1/download') return new Response('%PDF', { status: 200, headers: { 'Content-Type': 'application/pdf' } });
      if (method === 'DELETE' && path === '/api/v1/attachments/a1') return new Response(null, { status: 204 });
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/deals/d1');

    await user.click(await screen.findByTestId('attachments-download', undefined, SLOW));
    await waitFor(() => expect(URL.createObjectURL).toHaveBeenCalledTimes(1), SLOW);
    const download = requests.find((r) => r.path === '/api/v1/attachments/a1/download')!;
    expect(download.headers.get('Authorization')).toBe('Bearer access-1');

    await user.click(screen.getByTestId('attachments-delete'));
    await user.click(await screen.findByRole('button', { name: 'Yes' }));
    await waitFor(() => expect(requests.some((r) => r.method === 'DELETE' && r.path === '/api/v1/attachments/a1')).toBe(true), SLOW);
  });
});
