import { render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '../../api/tokens';
import { json, meResponse, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { AuthProvider } from '../auth/AuthContext';
import { DealContracts } from './DealContracts';
import { CONTRACTS_RW, CUSTOMER, SLOW, contract } from './testData';

describe('the contracts list', () => {
  it('filters by status and creates a contract for a customer picked by search, with lines as strings', async () => {
    const requests = stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(CONTRACTS_RW));
      if (path === '/api/v1/customers') return json({ items: [CUSTOMER], next_cursor: null });
      if (path === '/api/v1/customers/c1') return json(CUSTOMER);
      if (path === '/api/v1/contract-templates') return json({ items: [], next_cursor: null });
      if (path === '/api/v1/contracts' && method === 'GET') return json({ items: [contract('k1')], next_cursor: null, total: 1 });
      if (path === '/api/v1/contracts' && method === 'POST') return json(contract('k2'), 201);
      if (path === '/api/v1/contracts/k2') return json(contract('k2'));
      if (path === '/api/v1/orders') return json({ items: [], next_cursor: null });
      return undefined;
    });
    const user = userEvent.setup();
    const { router } = renderApp('/contracts');

    expect(await screen.findByText('HT-k1', undefined, SLOW)).toBeInTheDocument();
    await user.click(within(screen.getByTestId('contract-status-filter')).getByRole('combobox'));
    await user.click(await screen.findByTitle('Signed'));
    await waitFor(() => expect(requests.some((r) => r.path === '/api/v1/contracts' && r.url.searchParams.get('status') === 'signed')).toBe(true), SLOW);

    await user.click(screen.getByTestId('contract-new'));
    await user.type(within(await screen.findByTestId('contract-form-customer')).getByRole('combobox'), 'acme');
    await user.click(await screen.findByTitle('Acme Ltd', undefined, SLOW));
    await user.click(screen.getByTestId('line-add'));
    await user.type(screen.getByTestId('line-description'), 'Widget');
    await user.clear(screen.getByTestId('line-quantity'));
    await user.type(screen.getByTestId('line-quantity'), '2');
    await user.type(screen.getByTestId('line-unit-price'), '100.10');
    await user.type(screen.getByTestId('contract-form-start'), '2026-01-01');
    await user.click(screen.getByTestId('contract-form-submit'));

    await waitFor(() => expect(router.state.location.pathname).toBe('/contracts/k2'), SLOW);
    const body = JSON.parse(requests.find((r) => r.method === 'POST')!.body);
    expect(body).toEqual({
      customer_id: 'c1',
      template_id: null,
      title: null,
      start_date: '2026-01-01',
      end_date: null,
      currency: 'CNY',
      lines: [{ description: 'Widget', quantity: '2', unit_price: '100.10', discount_percent: '0' }],
      terms: null,
      notes: null,
    });
  });
});

describe('DealContracts', () => {
  it('lists the contracts of the deal (deal_id filter) with status and total, linking to them', async () => {
    tokenStore.set({ access_token: 'a', refresh_token: 'r' });
    const requests = stubFetch(({ path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(CONTRACTS_RW));
      if (path === '/api/v1/contracts') return json({ items: [contract('k1', { status: 'signed' })], next_cursor: null });
      return undefined;
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const router = createMemoryRouter([{ path: '*', element: <DealContracts dealId="d1" /> }]);
    render(
      <QueryClientProvider client={client}>
        <AuthProvider>
          <RouterProvider router={router} />
        </AuthProvider>
      </QueryClientProvider>,
    );
    const row = await screen.findByTestId('deal-contract-row', undefined, SLOW);
    expect(within(row).getByRole('link', { name: 'HT-k1' })).toHaveAttribute('href', '/contracts/k1');
    expect(row).toHaveTextContent('Signed');
    expect(row).toHaveTextContent('300.00');
    expect(requests.find((r) => r.path === '/api/v1/contracts')!.url.searchParams.get('deal_id')).toBe('d1');
  });
});
