import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { emptyPage, json, meResponse, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { READER, SALES, SLOW, USERS, deal, pipeline } from './testData';

const CUSTOMER = {
  id: 'c1',
  name: 'Acme Ltd',
  kind: 'company',
  phone: null,
  email: null,
  province: null,
  city: null,
  district: null,
  address: null,
  industry: null,
  source: null,
  notes: null,
  tags: [],
  custom_fields: {},
  completeness: null,
  owner_id: null,
  department_id: null,
  version: 1,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};

function stub(permissions: string[]) {
  return stubFetch(({ method, path }) => {
    if (path === '/api/v1/auth/me') return json(meResponse(permissions));
    if (path === '/api/v1/users') return json(USERS);
    if (path === '/api/v1/customers/c1') return json(CUSTOMER);
    if (path === '/api/v1/customers/c1/contacts') return json(emptyPage);
    if (path === '/api/v1/custom-fields') return json(emptyPage);
    if (path === '/api/v1/pipelines') return json([pipeline()]);
    if (path === '/api/v1/customers/c1/deals')
      return json({ items: [deal('d1', { name: 'Acme renewal' }), deal('d2', { name: 'Acme won', status: 'won', stage_id: 's4' })], next_cursor: null, total: 2 });
    if (method === 'POST' && path === '/api/v1/deals') return json(deal('d3', { name: 'Acme new' }), 201);
    return undefined;
  });
}

describe('the deals of a customer', () => {
  it('lists the customer deals linking to each, and opens a new deal for this customer', async () => {
    const requests = stub(SALES);
    const user = userEvent.setup();
    renderApp('/customers/c1');

    await user.click(await screen.findByTestId('tab-deals', undefined, SLOW));
    const rows = await screen.findAllByTestId('customer-deal-row', undefined, SLOW);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByTestId('customer-deal-open')).toHaveAttribute('href', '/deals/d1');
    expect(within(rows[1]).getByTestId('customer-deal-status')).toHaveTextContent('Won');
    await waitFor(() => expect(within(rows[1]).getByText('Won', { selector: 'td' })).toBeInTheDocument(), SLOW);

    await user.click(screen.getByTestId('customer-deal-new'));
    expect(await screen.findByTestId('deal-customer')).toHaveTextContent('Acme Ltd');
    await user.type(screen.getByTestId('deal-name'), 'Acme new');
    await user.click(screen.getByTestId('deal-submit'));
    await waitFor(() => expect(requests.some((r) => r.method === 'POST' && r.path === '/api/v1/deals')).toBe(true), SLOW);
    expect(JSON.parse(requests.find((r) => r.method === 'POST')!.body)).toEqual({ name: 'Acme new', customer_id: 'c1', amount: '0', currency: 'CNY', custom_fields: {} });
  });

  it('offers no new deal without deals:write', async () => {
    stub(READER);
    const user = userEvent.setup();
    renderApp('/customers/c1');
    await user.click(await screen.findByTestId('tab-deals', undefined, SLOW));
    expect(await screen.findAllByTestId('customer-deal-row', undefined, SLOW)).toHaveLength(2);
    expect(screen.queryByTestId('customer-deal-new')).not.toBeInTheDocument();
  });
});
