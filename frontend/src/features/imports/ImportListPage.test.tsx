import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, json, meResponse, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';

const SLOW = { timeout: 10_000 };
const IMPORTER = [...ALL_PERMISSIONS, 'customers:import'];

function item(id: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    object_type: 'customers',
    status,
    filename: `${id}.csv`,
    size: 10,
    format: 'csv',
    encoding: 'utf-8',
    header_row: 1,
    columns: [],
    suggested_mapping: {},
    mapping: null,
    options: {},
    total_rows: 5,
    summary: null,
    result: null,
    error: null,
    preview_job_id: null,
    commit_job_id: null,
    files_expired_at: null,
    same_file_imports: [],
    created_by: '00000000-0000-0000-0000-000000000001',
    created_at: '2026-11-30T08:00:00Z',
    updated_at: '2026-11-30T08:00:00Z',
    ...extra,
  };
}

const DONE = item('trade-show', 'committed', { result: { created: 3, updated: 1, skipped: 0, rejected: 1, batches: [], finished: true } });
const OLD = item('old-list', 'previewed', { files_expired_at: '2026-11-30T09:00:00Z' });

describe('the list of imports', () => {
  it('shows each import with its outcome, filters by status and opens one in the wizard', async () => {
    const requests = stubFetch(({ path, url }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(IMPORTER));
      if (path === '/api/v1/imports/object-types') return json([{ object_type: 'customers', label: 'Customers', fields: [] }]);
      if (path === '/api/v1/imports') {
        const items = url.searchParams.get('status') === 'committed' ? [DONE] : [DONE, OLD];
        return json({ items, next_cursor: null, total: items.length });
      }
      if (path === '/api/v1/imports/trade-show') return json(DONE);
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/imports');

    const rows = await screen.findAllByTestId('import-history-open', undefined, SLOW);
    expect(rows.map((row) => row.textContent)).toEqual(['trade-show.csv', 'old-list.csv']);
    expect(screen.getByText('3 created, 1 updated, 0 skipped, 1 rejected')).toBeInTheDocument();
    expect(screen.getByText('File deleted after the retention period')).toBeInTheDocument();
    expect(screen.getAllByTestId('import-history-status').map((tag) => tag.textContent)).toEqual(['Imported', 'Previewed']);

    await user.click(within(screen.getByTestId('import-history-status-filter')).getByRole('combobox'));
    await user.click(await screen.findByTitle('Imported'));
    await waitFor(() => expect(screen.getAllByTestId('import-history-open')).toHaveLength(1), SLOW);
    expect(requests.some((r) => r.path === '/api/v1/imports' && r.url.searchParams.get('status') === 'committed')).toBe(true);

    await user.click(screen.getByText('trade-show.csv'));
    expect(await screen.findByTestId('import-result', undefined, SLOW)).toBeInTheDocument();
  });
});
