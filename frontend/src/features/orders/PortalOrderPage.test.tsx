import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, problem, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { SLOW } from '../contracts/testData';

const PORTAL = {
  number: 'DD-0001',
  status: 'pending_payment',
  currency: 'CNY',
  lines: [{ product_id: null, description: 'Widget', quantity: '3', unit_price: '100.00', discount_percent: '0', line_total: '300.00' }],
  total: '300.00',
  paid: '100.00',
  outstanding: '200.00',
  created_at: '2026-02-01T00:00:00Z',
  payment_plan: [
    { kind: 'prepayment', due_date: '2026-02-10', amount: '100.00', paid_amount: '100.00', outstanding: '0.00' },
    { kind: 'final', due_date: '2026-03-10', amount: '200.00', paid_amount: '0.00', outstanding: '200.00' },
  ],
  payments: [{ amount: '100.00', received_at: '2026-02-09T02:00:00Z' }],
};

describe('the public order portal', () => {
  it('shows the order to a visitor without a session and sends no credentials', async () => {
    const requests = stubFetch(({ path }) => (path === '/api/v1/portal/orders/tok-1' ? json(PORTAL) : undefined));
    renderApp('/portal/orders/tok-1', { signedIn: false });

    const page = await screen.findByTestId('portal-order', undefined, SLOW);
    expect(page).toHaveTextContent('DD-0001');
    expect(screen.getByTestId('portal-paid')).toHaveTextContent('100.00');
    expect(screen.getByTestId('portal-outstanding')).toHaveTextContent('200.00');
    expect(screen.getByText('Widget')).toBeInTheDocument();
    expect(screen.getByText('Prepayment')).toBeInTheDocument();
    expect(requests.map((r) => r.path)).toEqual(['/api/v1/portal/orders/tok-1']);
    expect(requests[0].headers.get('Authorization')).toBeNull();
  });

  it.each([404, 410])('explains a dead link (%i) in words', async (status) => {
    stubFetch(({ path }) => (path.startsWith('/api/v1/portal/orders/') ? problem(status, 'No such order link, or it has expired.') : undefined));
    renderApp('/portal/orders/bad', { signedIn: false });
    expect(await screen.findByTestId('portal-error', undefined, SLOW)).toHaveTextContent('This link does not work');
    expect(screen.getByTestId('portal-error')).toHaveTextContent('expired or was withdrawn');
    expect(screen.queryByTestId('portal-order')).not.toBeInTheDocument();
  });
});
