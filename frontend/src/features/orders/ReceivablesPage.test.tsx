import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, meResponse, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { CONTRACTS_RO, SLOW } from '../contracts/testData';

const aging = (a: string, b: string, c: string, d: string) => ({ days_0_30: a, days_31_60: b, days_61_90: c, days_over_90: d });
const REPORT = {
  as_of: '2026-06-30',
  items: [
    { customer_id: 'c1', customer_name: 'Acme Ltd', owner_id: null, currency: 'CNY', outstanding: '1000.10', overdue: '600.10', aging: aging('100.10', '200.00', '0.00', '300.00') },
    { customer_id: 'c2', customer_name: 'Beta Co', owner_id: null, currency: 'CNY', outstanding: '0.20', overdue: '0.20', aging: aging('0.20', '0.00', '0.00', '0.00') },
    { customer_id: 'c3', customer_name: 'Gamma Inc', owner_id: null, currency: 'USD', outstanding: '50.00', overdue: '0.00', aging: aging('0.00', '0.00', '0.00', '0.00') },
  ],
};

describe('the receivables report', () => {
  it('shows the aging buckets per currency, summed exactly, and the rows; the date filter is sent', async () => {
    const requests = stubFetch(({ path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(CONTRACTS_RO));
      if (path === '/api/v1/reports/receivables') return json(REPORT);
      if (path.startsWith('/api/v1/customers/')) return json({ id: path.split('/').pop(), name: 'Acme Ltd' });
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/reports/receivables');

    expect(await screen.findByTestId('receivables-CNY-days_0_30', undefined, SLOW)).toHaveTextContent('100.30');
    expect(screen.getByTestId('receivables-CNY-days_over_90')).toHaveTextContent('300.00');
    expect(screen.getByTestId('receivables-USD-days_0_30')).toHaveTextContent('0.00');
    const totals = screen.getByTestId('receivables-totals');
    // Not yet due: 1000.30 owed − 600.30 overdue.
    expect(within(totals).getByText(/400\.00/)).toBeInTheDocument();
    expect(within(screen.getByTestId('receivables-rows')).getAllByRole('row')).toHaveLength(4);

    const asOf = screen.getByTestId('receivables-as-of');
    await user.type(asOf, '2026-05-31');
    await screen.findByTestId('receivables-totals');
    expect(requests.some((r) => r.path === '/api/v1/reports/receivables' && r.url.searchParams.get('as_of') === '2026-05-31')).toBe(true);
  });
});
