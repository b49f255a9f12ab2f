import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { emptyPage, json, meResponse, problem, stubFetch, type RecordedRequest } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { CONTRACTS_RO, CONTRACTS_RW, CUSTOMER, SLOW, contract, order } from './testData';

function stubContract(permissions: string[], body: ReturnType<typeof contract>, extra: (r: RecordedRequest) => Response | undefined = () => undefined) {
  return stubFetch((request) => {
    const { method, path } = request;
    if (path === '/api/v1/auth/me') return json(meResponse(permissions));
    if (path === '/api/v1/customers/c1') return json(CUSTOMER);
    if (path === `/api/v1/contracts/${body.id}` && method === 'GET') return json(body);
    if (path === '/api/v1/orders' && method === 'GET') return json(emptyPage);
    return extra(request);
  });
}

describe('the contract detail page', () => {
  it('shows the contract with the server figures and offers the transitions of its status; a 409 is shown in words', async () => {
    const requests = stubContract(CONTRACTS_RW, contract('k1', { status: 'in_review', version: 5 }), ({ method, path }) => {
      if (method === 'POST' && path === '/api/v1/contracts/k1/transition')
        return problem(409, 'A in_review contract cannot become signed; allowed: draft.', { allowed: ['draft'] });
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/contracts/k1');

    expect(await screen.findByTestId('contract-status', undefined, SLOW)).toHaveTextContent('In review');
    expect(screen.getByTestId('contract-total')).toHaveTextContent('300.00');
    expect(screen.getByTestId('contract-lines-total')).toHaveTextContent('300.00');
    expect(await screen.findByRole('link', { name: 'Acme Ltd' }, SLOW)).toHaveAttribute('href', '/customers/c1');
    expect(screen.getByTestId('contract-deal-link')).toHaveAttribute('href', '/deals/d1');
    // in_review → draft | signed; nothing else, and no order from an unsigned contract.
    expect(screen.getByTestId('contract-transition-draft')).toBeInTheDocument();
    expect(screen.queryByTestId('contract-transition-terminated')).not.toBeInTheDocument();
    expect(screen.queryByTestId('contract-create-order')).not.toBeInTheDocument();

    await user.click(screen.getByTestId('contract-transition-signed'));
    expect(await screen.findByTestId('contract-action-error', undefined, SLOW)).toHaveTextContent('cannot become signed; allowed: draft');
    const post = requests.find((r) => r.method === 'POST' && r.path === '/api/v1/contracts/k1/transition');
    expect(JSON.parse(post!.body)).toEqual({ status: 'signed', version: 5 });
  });

  it('creates an order from a signed contract and goes to it', async () => {
    const requests = stubContract(CONTRACTS_RW, contract('k1', { status: 'signed' }), ({ method, path }) => {
      if (method === 'POST' && path === '/api/v1/contracts/k1/orders') return json(order('o9'), 201);
      if (path === '/api/v1/orders/o9') return json(order('o9'));
      if (path === '/api/v1/orders/o9/payment-plan') return json({ order_id: 'o9', currency: 'CNY', total: '300.00', paid: '0.00', outstanding: '300.00', instalments: [] });
      if (path === '/api/v1/orders/o9/payments' || path === '/api/v1/orders/o9/portal-links') return json([]);
      return undefined;
    });
    const user = userEvent.setup();
    const { router } = renderApp('/contracts/k1');

    await user.click(await screen.findByTestId('contract-create-order', undefined, SLOW));
    await user.type(await screen.findByTestId('contract-order-notes'), 'Ship in March');
    await user.click(screen.getByTestId('contract-order-submit'));

    await waitFor(() => expect(router.state.location.pathname).toBe('/orders/o9'), SLOW);
    expect(await screen.findByTestId('order-number', undefined, SLOW)).toHaveTextContent('DD-o9');
    const post = requests.find((r) => r.method === 'POST' && r.path === '/api/v1/contracts/k1/orders');
    expect(JSON.parse(post!.body)).toEqual({ notes: 'Ship in March' });
  });

  it('edits a draft with its version and offers a reload on 412', async () => {
    const requests = stubContract(CONTRACTS_RW, contract('k1'), ({ method, path }) => {
      if (method === 'PATCH' && path === '/api/v1/contracts/k1') return problem(412, 'Version mismatch');
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/contracts/k1');

    await user.click(await screen.findByTestId('contract-edit', undefined, SLOW));
    const title = await screen.findByTestId('contract-form-title');
    await user.clear(title);
    await user.type(title, 'Acme supply 2026');
    await user.click(screen.getByTestId('contract-form-submit'));

    expect(await screen.findByTestId('stale-record', undefined, SLOW)).toBeInTheDocument();
    expect(screen.getByTestId('reload-record')).toBeInTheDocument();
    const patch = JSON.parse(requests.find((r) => r.method === 'PATCH')!.body);
    expect(patch).toMatchObject({ title: 'Acme supply 2026', version: 2, currency: 'CNY' });
    expect(patch.lines).toEqual([
      { description: 'Widget', quantity: '2', unit_price: '100.10', discount_percent: '0' },
      { description: 'Setup', quantity: '1', unit_price: '99.80', discount_percent: '0' },
    ]);
  });

  it("shows the contract's files with the contract category, uploadable with contracts:write", async () => {
    const requests = stubContract(CONTRACTS_RW, contract('k1', { status: 'signed' }), ({ path }) => (path === '/api/v1/attachments' ? json(emptyPage) : undefined));
    renderApp('/contracts/k1');
    const card = await screen.findByTestId('attachments-card', undefined, SLOW);
    expect(within(card).getByTestId('attachments-upload')).toBeInTheDocument();
    await waitFor(() => expect(requests.some((r) => r.path === '/api/v1/attachments')).toBe(true), SLOW);
    const listed = requests.find((r) => r.path === '/api/v1/attachments')!;
    expect(Object.fromEntries(listed.url.searchParams)).toMatchObject({ object_type: 'contract', object_id: 'k1' });
  });

  it('offers no actions to a reader', async () => {
    stubContract(CONTRACTS_RO, contract('k1', { status: 'signed' }));
    renderApp('/contracts/k1');
    expect(await screen.findByTestId('contract-status', undefined, SLOW)).toHaveTextContent('Signed');
    expect(screen.queryByTestId('contract-create-order')).not.toBeInTheDocument();
    expect(screen.queryByTestId('contract-transition-terminated')).not.toBeInTheDocument();
    expect(within(screen.getByTestId('contract-lines')).getByText('Widget')).toBeInTheDocument();
  });
});
