import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { emptyPage, json, meResponse, problem, stubFetch, type RecordedRequest } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { contract } from '../contracts/testData';
import { fieldDef } from '../customfields/fixtures';
import { quote } from '../quotes/testData';
import { CUSTOMER, READER, SALES, SLOW, USERS, deal, pipeline } from './testData';

const DEAL = deal('d1', { stage_id: 's2', name: 'Acme renewal', notes: 'Call back in May' });
const HISTORY = {
  changes: [
    {
      id: 'h1',
      from_stage_id: 's1',
      from_stage_key: 'initial_contact',
      to_stage_id: 's2',
      to_stage_key: 'needs_confirmed',
      changed_by_id: 'u1',
      changed_by_name: 'Ada Admin',
      changed_at: '2026-11-05T10:00:00Z',
      seconds_in_previous_stage: 3 * 86_400 + 4 * 3_600 + 120,
      note: null,
    },
  ],
  time_in_stages: [{ stage_id: 's1', stage_key: 'initial_contact', seconds: 3 * 86_400 + 4 * 3_600 + 120 }],
};

function stubDeal(permissions: string[], extra: (r: RecordedRequest) => Response | undefined = () => undefined) {
  return stubFetch((request) => {
    const { method, path } = request;
    const answer = extra(request);
    if (answer) return answer;
    if (path === '/api/v1/auth/me') return json(meResponse(permissions));
    if (path === '/api/v1/users') return json(USERS);
    if (path === '/api/v1/customers/c1') return json(CUSTOMER);
    if (path === '/api/v1/pipelines') return json([pipeline()]);
    if (method === 'GET' && path === '/api/v1/deals/d1') return json(DEAL);
    if (path === '/api/v1/deals/d1/stage-history') return json(HISTORY);
    if (path === '/api/v1/attachments') return json(emptyPage);
    return undefined;
  });
}

describe('the deal detail page', () => {
  it('shows the deal, its customer link, stage history with the time spent in words, and the attachments card', async () => {
    stubDeal(SALES);
    renderApp('/deals/d1');

    expect(await screen.findByTestId('deal-title', undefined, SLOW)).toHaveTextContent('Acme renewal');
    expect(screen.getByTestId('deal-status')).toHaveTextContent('Open');
    expect(screen.getByTestId('deal-amount-value')).toHaveTextContent('CN¥1,000.00');
    await waitFor(() => expect(screen.getByTestId('deal-stage')).toHaveTextContent('Needs confirmed (40%)'), SLOW);
    const customer = await screen.findByTestId('deal-customer-link');
    expect(customer).toHaveAttribute('href', '/customers/c1');
    await waitFor(() => expect(customer).toHaveTextContent('Acme Ltd'), SLOW);

    const row = await screen.findByTestId('deal-history-row', undefined, SLOW);
    expect(within(row).getByTestId('deal-history-change')).toHaveTextContent('Initial contact');
    expect(within(row).getByTestId('deal-history-change')).toHaveTextContent('Needs confirmed');
    expect(within(row).getByText('Ada Admin')).toBeInTheDocument();
    expect(within(row).getByTestId('deal-history-spent')).toHaveTextContent('3 days 4 hours');
    expect(screen.getByTestId('deal-time-in-stages')).toHaveTextContent('Initial contact: 3 days 4 hours');
    expect(await screen.findByTestId('attachments-card')).toBeInTheDocument();
    expect(screen.getByTestId('attachments-upload')).toBeInTheDocument();
  });

  it("lists the deal's quotes and contracts in tabs for those who may read them", async () => {
    const requests = stubDeal([...SALES, 'quotes:read', 'quotes:write', 'contracts:read'], ({ path }) => {
      if (path === '/api/v1/quotes') return json({ items: [quote('q1', { number: 'Q000042' })], next_cursor: null, total: 1 });
      if (path === '/api/v1/contracts') return json({ items: [contract('k1', { number: 'HT-2026-7' })], next_cursor: null, total: 1 });
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/deals/d1');

    const related = await screen.findByTestId('deal-related', undefined, SLOW);
    expect(await within(related).findByTestId('deal-quote-open', undefined, SLOW)).toHaveAttribute('href', '/quotes/q1');
    expect(within(related).getByTestId('deal-quote-new').closest('a')).toHaveAttribute('href', '/quotes/new?deal_id=d1');
    expect(requests.find((r) => r.path === '/api/v1/quotes')!.url.searchParams.get('deal_id')).toBe('d1');

    await user.click(within(related).getByRole('tab', { name: 'Contracts' }));
    expect(await within(related).findByText('HT-2026-7', undefined, SLOW)).toBeInTheDocument();
    expect(requests.find((r) => r.path === '/api/v1/contracts')!.url.searchParams.get('deal_id')).toBe('d1');
  });

  it('shows no related documents without quotes:read and contracts:read', async () => {
    stubDeal(SALES);
    renderApp('/deals/d1');
    await screen.findByTestId('deal-title', undefined, SLOW);
    await screen.findByTestId('attachments-card', undefined, SLOW);
    expect(screen.queryByTestId('deal-related')).not.toBeInTheDocument();
  });

  it('edits the deal with its version and shows a 412 with a reload', async () => {
    let patches = 0;
    const requests = stubDeal(SALES, ({ method, path }) => {
      if (method === 'PATCH' && path === '/api/v1/deals/d1') {
        patches += 1;
        return problem(412, 'The record is at version 4, not 3: someone changed it.', { current_version: 4 });
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/deals/d1');

    await user.click(await screen.findByTestId('deal-edit', undefined, SLOW));
    const amount = await screen.findByTestId('deal-amount');
    expect(amount).toHaveValue('1000.00');
    await user.clear(amount);
    await user.type(amount, '2500.5');
    await user.click(screen.getByTestId('deal-submit'));

    expect(await screen.findByTestId('stale-record', undefined, SLOW)).toBeInTheDocument();
    expect(patches).toBe(1);
    const body = JSON.parse(requests.find((r) => r.method === 'PATCH')!.body);
    expect(body).toEqual({
      name: 'Acme renewal',
      amount: '2500.5',
      currency: 'CNY',
      expected_close_date: '2026-12-31',
      product_line: null,
      notes: 'Call back in May',
      version: 3,
    });
    const before = requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/deals/d1').length;
    await user.click(screen.getByTestId('reload-record'));
    await waitFor(() => expect(requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/deals/d1').length).toBeGreaterThan(before), SLOW);
  });

  it("shows the deal's custom fields and edits them (a cleared one is sent as null)", async () => {
    const budget = fieldDef('budget', 'text', { object_type: 'deal' });
    const seats = fieldDef('seats', 'number', { object_type: 'deal' });
    const requests = stubDeal(SALES, ({ method, path, url }) => {
      if (path === '/api/v1/custom-fields' && url.searchParams.get('object_type') === 'deal') return json({ items: [budget, seats], next_cursor: null, total: 2 });
      if (method === 'GET' && path === '/api/v1/deals/d1') return json({ ...DEAL, custom_fields: { budget: '1M', seats: 12 } });
      if (method === 'PATCH' && path === '/api/v1/deals/d1') return json({ ...DEAL, version: 4 });
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/deals/d1');

    const values = await screen.findByTestId('custom-field-values', undefined, SLOW);
    expect(values).toHaveTextContent('1M');
    expect(values).toHaveTextContent('12');
    await user.click(screen.getByTestId('deal-edit'));
    const input = within(await screen.findByTestId('cf-budget', undefined, SLOW)).getByRole('textbox');
    expect(input).toHaveValue('1M');
    await user.clear(input);
    await user.type(input, '2M');
    await user.clear(within(screen.getByTestId('cf-seats')).getByRole('spinbutton'));
    await user.click(screen.getByTestId('deal-submit'));
    await waitFor(() => expect(requests.some((r) => r.method === 'PATCH')).toBe(true), SLOW);
    expect(JSON.parse(requests.find((r) => r.method === 'PATCH')!.body).custom_fields).toEqual({ budget: '2M', seats: null });
  });

  it('moves the deal from its stage select, and lists what a refused move lacks', async () => {
    const requests = stubDeal(SALES, ({ method, path }) =>
      method === 'POST' && path === '/api/v1/deals/d1/move'
        ? problem(422, 'missing', {
            errors: [
              { loc: ['deal', 'custom.budget'], msg: 'x', type: 'missing_field', field: 'custom.budget' },
              { loc: ['attachments', 'needs_document'], msg: 'x', type: 'missing_attachment', category: 'needs_document' },
            ],
          })
        : undefined,
    );
    const user = userEvent.setup();
    renderApp('/deals/d1');

    await user.click(within(await screen.findByTestId('deal-stage-select', undefined, SLOW)).getByRole('combobox'));
    await user.click(await screen.findByTitle('Proposal', undefined, SLOW));
    const refused = await screen.findByTestId('deal-move-refused', undefined, SLOW);
    expect(within(refused).getAllByTestId('deal-move-missing').map((li) => li.textContent)).toEqual([
      'Fill in the deal\'s custom field "budget"',
      'Attach a file of category "Needs document"',
    ]);
    const move = requests.find((r) => r.path === '/api/v1/deals/d1/move')!;
    expect(JSON.parse(move.body)).toEqual({ stage_id: 's3', version: 3 });
  });

  it('asks why before marking the deal lost', async () => {
    const requests = stubDeal(SALES, ({ method, path }) => (method === 'POST' && path === '/api/v1/deals/d1/move' ? json({ ...DEAL, status: 'lost', stage_id: 's5' }) : undefined));
    const user = userEvent.setup();
    renderApp('/deals/d1');

    await user.click(await screen.findByTestId('deal-mark-lost', undefined, SLOW));
    await screen.findByTestId('deal-lost-modal');
    await user.type(screen.getByTestId('deal-lost-reason'), 'Budget cut');
    await user.click(screen.getByTestId('deal-lost-submit'));
    await waitFor(() => expect(requests.some((r) => r.path === '/api/v1/deals/d1/move')).toBe(true), SLOW);
    expect(JSON.parse(requests.find((r) => r.path === '/api/v1/deals/d1/move')!.body)).toEqual({ stage_id: 's5', version: 3, lost_reason: 'Budget cut' });
  });

  it('offers neither edit nor moves nor uploads without deals:write', async () => {
    stubDeal(READER);
    renderApp('/deals/d1');
    expect(await screen.findByTestId('deal-title', undefined, SLOW)).toBeInTheDocument();
    await screen.findByTestId('deal-stage-steps', undefined, SLOW);
    expect(screen.queryByTestId('deal-edit')).not.toBeInTheDocument();
    expect(screen.queryByTestId('deal-stage-select')).not.toBeInTheDocument();
    expect(screen.queryByTestId('deal-mark-lost')).not.toBeInTheDocument();
    expect(screen.queryByTestId('attachments-upload')).not.toBeInTheDocument();
  });
});
