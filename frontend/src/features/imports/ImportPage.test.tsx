import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, emptyPage, json, meResponse, problem, stubFetch, type RecordedRequest } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';

/** Generous waits: the suite shares a busy machine. */
const SLOW = { timeout: 10_000 };
const IMPORTER = [...ALL_PERMISSIONS, 'customers:import'];
const ID = '0192f0b4-0000-7000-8000-0000000000c1';
const EXISTING = '0192f0b4-0000-7000-8000-0000000000e1';

const OBJECT_TYPES = [
  {
    object_type: 'customers',
    label: 'Customers',
    fields: [
      { key: 'name', label: 'Name', kind: 'text', required: true, options: [], aliases: [] },
      { key: 'phone', label: 'Phone', kind: 'phone', required: false, options: [], aliases: [] },
      { key: 'email', label: 'E-mail', kind: 'email', required: false, options: [], aliases: [] },
    ],
  },
];

function importRead(status: string, extra: Record<string, unknown> = {}) {
  return {
    id: ID,
    object_type: 'customers',
    status,
    filename: 'customers.csv',
    size: 120,
    format: 'csv',
    encoding: 'utf-8',
    header_row: 1,
    columns: [
      { index: 0, header: '客户名称', sample: ['甲公司', '乙公司'] },
      { index: 1, header: '电话', sample: ['13800138000', null] },
      { index: 2, header: '邮箱', sample: ['bad', 'b@x.cn'] },
    ],
    suggested_mapping: { '0': 'name', '1': 'phone', '2': 'email' },
    mapping: null,
    options: {},
    total_rows: 3,
    summary: null,
    result: null,
    error: null,
    preview_job_id: null,
    commit_job_id: null,
    same_file_imports: [],
    created_by: '00000000-0000-0000-0000-000000000001',
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
    ...extra,
  };
}

const SUMMARY = {
  rows: 3,
  valid: 2,
  errors: 1,
  warnings: 0,
  duplicates_in_file: 0,
  duplicates_existing: 1,
  duplicates_hidden: 0,
  new: 1,
  header_notes: ["Column D has no header (merged header cells?); named 'Column D'."],
  unmapped_columns: [],
};

function row(number: number, status: string, extra: Record<string, unknown> = {}) {
  return {
    row: number,
    status,
    errors: null,
    warnings: null,
    duplicate_of_row: null,
    match_id: null,
    match_name: null,
    match_reason: null,
    match_hidden: null,
    cells: { 客户名称: `Row ${number}`, 电话: null, 邮箱: 'bad' },
    outcome: null,
    record_id: null,
    ...extra,
  };
}

const RESULT = {
  created: 1,
  updated: 1,
  skipped: 0,
  rejected: 1,
  batches: [{ first_row: 2, last_row: 4, created: 1, updated: 1, skipped: 0 }],
  finished: true,
};

/** The import API walking one file through preview and commit; each GET of the import answers the next state. */
function stubImportApi(permissions: string[] = IMPORTER, previewError?: string): RecordedRequest[] {
  let states: unknown[] = [];
  let polls = 0;
  return stubFetch((request) => {
    const { path, method } = request;
    if (path === '/api/v1/auth/me') return json(meResponse(permissions));
    if (path === '/api/v1/customers') return json(emptyPage);
    if (path === '/api/v1/imports/object-types') return json(OBJECT_TYPES);
    if (path === '/api/v1/imports' && method === 'POST') return json(importRead('uploaded'), 201);
    if (path === `/api/v1/imports/${ID}/preview`) {
      const outcome = previewError
        ? importRead('failed', { preview_job_id: 'p1', error: previewError })
        : importRead('previewed', { preview_job_id: 'p1', summary: SUMMARY });
      states = [importRead('previewing', { preview_job_id: 'p1' }), outcome];
      polls = 0;
      return json(states[0], 202);
    }
    if (path === `/api/v1/imports/${ID}/commit`) {
      const base = { preview_job_id: 'p1', summary: SUMMARY, commit_job_id: 'c1' };
      states = [importRead('committing', base), importRead('committed', { ...base, result: RESULT })];
      polls = 0;
      return json(states[0], 202);
    }
    if (path === `/api/v1/imports/${ID}`) return json(states[Math.min(++polls, states.length - 1)]);
    if (path === '/api/v1/jobs/c1') {
      return json({ id: 'c1', kind: 'customers.import_commit', status: 'running', progress: 50, total: 2, done: 1, result: null, error: null, created_by: null, created_at: '2025-01-01T00:00:00Z', started_at: null, finished_at: null });
    }
    if (path === `/api/v1/imports/${ID}/rows`) {
      const status = request.url.searchParams.get('status');
      const items =
        status === 'error'
          ? [row(3, 'error', { errors: '邮箱: not a valid e-mail address' })]
          : status === 'duplicate'
            ? [row(4, 'duplicate', { match_id: EXISTING, match_name: 'Old Customer Ltd.', match_reason: 'phone', match_hidden: false })]
            : [];
      return json({ items, next_cursor: null, total: items.length });
    }
    return undefined;
  });
}

/**
 * Picks `option` in the antd Select of `testId`, opened for the first time: its dropdown is the one
 * that appears (ids are all "test-id" under test, so aria-controls cannot tell them apart).
 */
async function choose(user: ReturnType<typeof userEvent.setup>, testId: string, option: string) {
  const before = document.querySelectorAll('.ant-select-dropdown').length;
  await user.click(within(screen.getByTestId(testId)).getByRole('combobox'));
  const dropdown = await waitFor(() => {
    const all = document.querySelectorAll<HTMLElement>('.ant-select-dropdown');
    expect(all.length).toBe(before + 1);
    return all[all.length - 1];
  }, SLOW);
  await user.click(within(dropdown).getByTitle(option));
  await waitFor(() => expect(screen.getByTestId(testId)).toHaveTextContent(option), SLOW);
}

/** The POST to `path`, once it has been sent. */
function sent(requests: RecordedRequest[], path: string): Promise<RecordedRequest> {
  return waitFor(
    () => {
      const found = requests.find((r) => r.method === 'POST' && r.path === path);
      expect(found).toBeDefined();
      return found!;
    },
    SLOW,
  );
}

async function uploadFile(user: ReturnType<typeof userEvent.setup>) {
  const input = (await screen.findByTestId('import-upload', {}, SLOW)).querySelector('input[type=file]') as HTMLInputElement;
  await user.upload(input, new File(['客户名称,电话,邮箱\n甲公司,13800138000,bad\n'], 'customers.csv', { type: 'text/csv' }));
}

describe('import wizard', () => {
  it('uploads, keeps the suggested mapping, previews, decides on a duplicate and commits', async () => {
    const requests = stubImportApi();
    const user = userEvent.setup({ pointerEventsCheck: 0 });
    renderApp('/imports/new?object_type=customers');

    await uploadFile(user);
    const upload = await sent(requests, '/api/v1/imports');
    expect(upload.body).toContain('name="object_type"');
    expect(upload.body).toContain('name="file"'); // jsdom's File is not undici's: its content is not sent here
    expect(upload.headers.get('Authorization')).toBe('Bearer access-1');

    // Step 2: the suggestions are in place.
    expect(await screen.findByTestId('mapping-table', {}, SLOW)).toBeInTheDocument();
    expect(screen.getByTestId('map-0')).toHaveTextContent('Name *');
    expect(screen.getByTestId('map-2')).toHaveTextContent('E-mail');
    expect(screen.getByTestId('file-info')).toHaveTextContent('customers.csv: 3 data rows, 3 columns');

    await user.click(screen.getByTestId('import-preview'));
    const preview = await sent(requests, `/api/v1/imports/${ID}/preview`);
    expect(JSON.parse(preview.body)).toEqual({ mapping: { '0': 'name', '1': 'phone', '2': 'email' }, options: { phone_region: null, day_first: null } });

    // Step 3: polled until previewed.
    expect(await screen.findByTestId('preview-summary', {}, SLOW)).toBeInTheDocument();
    expect(within(screen.getByTestId('stat-errors')).getByText('1')).toBeInTheDocument();
    expect(screen.getByTestId('header-notes')).toHaveTextContent('Column D has no header');
    expect(await screen.findByText('邮箱: not a valid e-mail address', {}, SLOW)).toBeInTheDocument();

    await user.click(screen.getByTestId('tab-duplicate'));
    const link = await screen.findByRole('link', { name: 'Old Customer Ltd.' }, SLOW);
    expect(link).toHaveAttribute('href', `/customers/${EXISTING}`);
    expect(screen.getByTestId('decision-4')).toHaveTextContent('Skip');
    await choose(user, 'decision-4', 'Update existing');
    expect(screen.getByTestId('decision-4')).toHaveTextContent('Update existing');

    await user.click(screen.getByTestId('import-commit'));
    const commit = await sent(requests, `/api/v1/imports/${ID}/commit`);
    expect(JSON.parse(commit.body)).toEqual({ on_duplicate: 'skip', on_file_duplicate: 'skip', decisions: [{ row: 4, action: 'update' }] });

    const result = await screen.findByTestId('import-result', {}, SLOW);
    expect(within(screen.getByTestId('result-created')).getByText('1')).toBeInTheDocument();
    expect(within(screen.getByTestId('result-rejected')).getByText('1')).toBeInTheDocument();
    expect(within(result).getByText('Rows 2–4')).toBeInTheDocument();
    expect(screen.getByTestId('result-to-list')).toHaveAttribute('href', '/customers');
  }, 60_000); // a long walk through five steps on a busy machine

  it('blocks the preview while a required field is unmapped', async () => {
    stubImportApi();
    const user = userEvent.setup({ pointerEventsCheck: 0 });
    renderApp('/imports/new');
    await uploadFile(user);
    await screen.findByTestId('mapping-table', {}, SLOW);
    expect(screen.queryByTestId('mapping-problems')).not.toBeInTheDocument();

    await choose(user, 'map-0', 'Do not import');
    expect(screen.getByTestId('mapping-problems')).toHaveTextContent('Map a column to every required field: Name.');
    expect(screen.getByTestId('import-preview')).toBeDisabled();

    await choose(user, 'map-1', 'Name *');
    await choose(user, 'map-2', 'Name *');
    expect(screen.getByTestId('mapping-problems')).toHaveTextContent('Each field takes one column; mapped more than once: Name.');
    expect(screen.getByTestId('import-preview')).toBeDisabled();
  });

  it('shows why a preview failed and goes back to the mapping', async () => {
    stubImportApi(IMPORTER, 'The worker stopped: out of disk space.');
    const user = userEvent.setup({ pointerEventsCheck: 0 });
    renderApp('/imports/new');
    await uploadFile(user);
    await user.click(await screen.findByTestId('import-preview', {}, SLOW));
    expect(await screen.findByTestId('import-failed', {}, SLOW)).toHaveTextContent('The worker stopped: out of disk space.');
    await user.click(screen.getByTestId('import-back'));
    expect(await screen.findByTestId('mapping-table', {}, SLOW)).toBeInTheDocument();
    expect(screen.getByTestId('map-1')).toHaveTextContent('Phone');
  });

  it('comes back to an import opened by its address, at the step where it stands', async () => {
    stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(IMPORTER));
      if (request.path === '/api/v1/imports/object-types') return json(OBJECT_TYPES);
      if (request.path === `/api/v1/imports/${ID}`) {
        return json(importRead('committed', { summary: SUMMARY, result: RESULT, preview_job_id: 'p1', commit_job_id: 'c1' }));
      }
      return undefined;
    });
    renderApp(`/imports/new?id=${ID}`);
    expect(await screen.findByTestId('import-result', {}, SLOW)).toBeInTheDocument();
    expect(within(screen.getByTestId('result-updated')).getByText('1')).toBeInTheDocument();
  });

  it("shows the server's reason when the file cannot be read", async () => {
    stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(IMPORTER));
      if (request.path === '/api/v1/imports/object-types') return json(OBJECT_TYPES);
      if (request.path === '/api/v1/imports') return problem(422, 'The file is empty: it has no header row and no data.');
      return undefined;
    });
    const user = userEvent.setup({ pointerEventsCheck: 0 });
    renderApp('/imports/new');
    await uploadFile(user);
    expect(await screen.findByTestId('upload-error', {}, SLOW)).toHaveTextContent('The file is empty: it has no header row and no data.');
    expect(screen.queryByTestId('mapping-table')).not.toBeInTheDocument();
  });

  it('is offered on the customer list only with customers:import', async () => {
    stubImportApi();
    const user = userEvent.setup({ pointerEventsCheck: 0 });
    const view = renderApp('/customers');
    await user.click(await screen.findByTestId('import-customers', {}, SLOW));
    await waitFor(() => expect(view.router.state.location.pathname).toBe('/imports/new'), SLOW);
    expect(view.router.state.location.search).toBe('?object_type=customers');
    view.unmount();

    stubImportApi(ALL_PERMISSIONS);
    renderApp('/customers');
    expect(await screen.findByTestId('customer-table', {}, SLOW)).toBeInTheDocument();
    expect(screen.queryByTestId('import-customers')).not.toBeInTheDocument();
    expect(screen.queryByTestId('nav-imports')).not.toBeInTheDocument();
  });
});

// --- the preview's date columns and the commit's expected counts ------------------------------------

const DATE_COLUMN = { column: 3, header: '成立日期', field: 'Founded on', detected: 'ambiguous' };

/** The counts the commit gives under every choice of its two defaults, each set telling apart. */
const OUTCOMES = [
  { on_duplicate: 'skip', on_file_duplicate: 'skip', created: 5, updated: 0, skipped: 3 },
  { on_duplicate: 'skip', on_file_duplicate: 'create', created: 6, updated: 0, skipped: 2 },
  { on_duplicate: 'update', on_file_duplicate: 'skip', created: 5, updated: 2, skipped: 1 },
  { on_duplicate: 'update', on_file_duplicate: 'create', created: 6, updated: 2, skipped: 0 },
  { on_duplicate: 'create', on_file_duplicate: 'skip', created: 7, updated: 0, skipped: 1 },
  { on_duplicate: 'create', on_file_duplicate: 'create', created: 8, updated: 0, skipped: 0 },
];

/** A previewed import opened by its address, with a date column; each preview request answers `summaryFor` its body. */
function stubPreviewedImport(summaryFor: (body: { options: { date_orders?: Record<string, string> } }) => Record<string, unknown>): RecordedRequest[] {
  const extra = {
    preview_job_id: 'p1',
    columns: [...importRead('uploaded').columns, { index: 3, header: '成立日期', sample: ['05/03/2024', '01/02/2024'] }],
    mapping: { '0': 'name', '1': 'phone', '3': 'founded_on' },
    options: { phone_region: 'HK', day_first: null, date_orders: {}, language: 'en', date_columns: [] },
  };
  let current = importRead('previewed', { ...extra, summary: summaryFor({ options: {} }) });
  let pending: unknown[] = [];
  return stubFetch((request) => {
    const { path, method } = request;
    if (path === '/api/v1/auth/me') return json(meResponse(IMPORTER));
    if (path === '/api/v1/imports/object-types') {
      const dated = { key: 'founded_on', label: 'Founded on', kind: 'date', required: false, options: [], aliases: [] };
      return json([{ ...OBJECT_TYPES[0], fields: [...OBJECT_TYPES[0].fields, dated] }]);
    }
    if (path === `/api/v1/imports/${ID}/preview` && method === 'POST') {
      const body = JSON.parse(request.body);
      current = importRead('previewed', { ...extra, preview_job_id: 'p2', options: { ...extra.options, ...body.options }, summary: summaryFor(body) });
      pending = [importRead('previewing', { ...extra, preview_job_id: 'p2' })];
      return json(pending[0], 202);
    }
    if (path === `/api/v1/imports/${ID}`) return json(pending.shift() ?? current);
    if (path === `/api/v1/imports/${ID}/rows`) {
      const duplicates = request.url.searchParams.get('status') === 'duplicate';
      const items = duplicates ? [row(4, 'duplicate', { match_id: EXISTING, match_name: 'Old Customer Ltd.', match_reason: 'phone', match_hidden: false })] : [];
      return json({ items, next_cursor: null, total: items.length });
    }
    return undefined;
  });
}

describe('import preview: date columns and expected counts', () => {
  it('warns about a date column without an order and previews again with the one chosen for it', async () => {
    const requests = stubPreviewedImport(({ options }) => {
      const order = options.date_orders?.['3'] ?? null;
      return { ...SUMMARY, outcomes: OUTCOMES, date_columns: [{ ...DATE_COLUMN, order, needs_choice: order === null }] };
    });
    const user = userEvent.setup({ pointerEventsCheck: 0 });
    renderApp(`/imports/new?id=${ID}`);

    const column = await screen.findByTestId('date-column-3', {}, SLOW);
    expect(column).toHaveClass('ant-alert-warning');
    expect(column).toHaveTextContent('成立日期→ Founded on');
    expect(column).toHaveTextContent('Its values fit either order');
    expect(column).toHaveTextContent('its dates that read two ways are errors until you choose one');
    expect(screen.getByTestId('date-order-3')).toHaveTextContent('Choose the order');

    await choose(user, 'date-order-3', 'Month first (05/03/2024 is 3 May)');
    const preview = await sent(requests, `/api/v1/imports/${ID}/preview`);
    // The mapping and the other options the import was previewed with are kept.
    expect(JSON.parse(preview.body)).toEqual({
      mapping: { '0': 'name', '1': 'phone', '3': 'founded_on' },
      options: { phone_region: 'HK', day_first: null, date_orders: { '3': 'month_first' } },
    });

    // The new preview's report: the order applied, no warning left.
    await waitFor(() => expect(screen.getByTestId('date-column-3')).toHaveTextContent('Read month first'), SLOW);
    expect(screen.getByTestId('date-column-3')).not.toHaveClass('ant-alert-warning');
    expect(screen.getByTestId('date-column-3')).not.toHaveTextContent('until you choose one');
    expect(screen.getByTestId('date-order-3')).toHaveTextContent('Month first (05/03/2024 is 3 May)');
  }, 30_000);

  it("shows the commit's counts under the chosen duplicate defaults, and follows them", async () => {
    stubPreviewedImport(() => ({ ...SUMMARY, outcomes: OUTCOMES, date_columns: [] }));
    const user = userEvent.setup({ pointerEventsCheck: 0 });
    renderApp(`/imports/new?id=${ID}`);

    const outcome = await screen.findByTestId('commit-outcome', {}, SLOW);
    expect(outcome).toHaveTextContent('the import will create 5, update 0 and skip 3 rows');
    expect(screen.queryByTestId('date-columns')).not.toBeInTheDocument();

    await user.click(screen.getByTestId('tab-duplicate'));
    await choose(user, 'on-duplicate', 'Update existing');
    expect(screen.getByTestId('commit-outcome')).toHaveTextContent('the import will create 5, update 2 and skip 1 rows');
    await choose(user, 'on-file-duplicate', 'Create anyway');
    expect(screen.getByTestId('commit-outcome')).toHaveTextContent('the import will create 6, update 2 and skip 0 rows');
    expect(screen.getByTestId('commit-outcome')).not.toHaveTextContent('one by one');

    // A row decided on its own is not in the per-default counts: the line says so.
    await screen.findByRole('link', { name: 'Old Customer Ltd.' }, SLOW);
    await choose(user, 'decision-4', 'Skip');
    expect(screen.getByTestId('commit-outcome')).toHaveTextContent('These counts are before the action you chose for 1 row on its own.');
  }, 30_000);
});
