import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, meResponse, problem, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { CUSTOMER, READER, SALES, SLOW, USERS, deal, pipeline } from './testData';

const PAGE = { items: [deal('d1', { name: 'Acme renewal' }), deal('d2', { name: 'Lost one', status: 'lost', stage_id: 's5' })], next_cursor: null, total: 2 };

describe('the deal list', () => {
  it('lists deals linking to their page and filters by status', async () => {
    const requests = stubFetch(({ path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(READER));
      if (path === '/api/v1/users') return json(USERS);
      if (path === '/api/v1/customers/c1') return json(CUSTOMER);
      if (path === '/api/v1/pipelines') return json([pipeline()]);
      if (path === '/api/v1/deals') return json(PAGE);
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/deals');

    const rows = await screen.findAllByTestId('deal-list-row', undefined, SLOW);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByTestId('deal-list-open')).toHaveAttribute('href', '/deals/d1');
    expect(within(rows[0]).getByText('Acme Ltd')).toBeInTheDocument();
    await waitFor(() => expect(within(rows[1]).getByText('Lost', { selector: 'td' })).toBeInTheDocument(), SLOW);
    // The items carry their customer's name: no customer is fetched per row.
    expect(requests.some((r) => r.path === '/api/v1/customers/c1')).toBe(false);
    expect(within(rows[1]).getByTestId('deal-list-status')).toHaveTextContent('Lost');
    expect(screen.queryByTestId('deal-new')).not.toBeInTheDocument();

    await user.click(within(screen.getByTestId('deal-status-filter')).getByRole('combobox'));
    await user.click(await screen.findByTitle('Won'));
    await waitFor(() => expect(requests.some((r) => r.path === '/api/v1/deals' && r.url.searchParams.get('status') === 'won')).toBe(true), SLOW);
  });

  it('creates a deal for a customer found by search, showing the server\'s field errors', async () => {
    let posts = 0;
    const requests = stubFetch(({ method, path, url }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(SALES));
      if (path === '/api/v1/users') return json(USERS);
      if (path === '/api/v1/pipelines') return json([pipeline()]);
      if (path === '/api/v1/customers') return json({ items: url.searchParams.get('q') === 'acm' ? [CUSTOMER] : [], next_cursor: null });
      if (method === 'GET' && path === '/api/v1/deals') return json({ items: [], next_cursor: null, total: 0 });
      if (method === 'POST' && path === '/api/v1/deals') {
        posts += 1;
        if (posts === 1) return problem(422, 'Invalid deal', { errors: [{ loc: ['body', 'expected_close_date'], msg: 'The close date cannot be before 2000.', type: 'value_error' }] });
        return json(deal('d7', { name: 'Acme expansion' }), 201);
      }
      if (path === '/api/v1/deals/d7') return json(deal('d7', { name: 'Acme expansion' }));
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/deals');

    await user.click(await screen.findByTestId('deal-new', undefined, SLOW));
    const picker = within(await screen.findByTestId('deal-customer')).getByRole('combobox');
    await user.type(picker, 'acm');
    await user.click(await screen.findByTitle('Acme Ltd', undefined, SLOW));
    await user.type(screen.getByTestId('deal-name'), 'Acme expansion');
    await user.type(screen.getByTestId('deal-amount'), '12000.5');
    await user.clear(screen.getByTestId('deal-currency'));
    await user.type(screen.getByTestId('deal-currency'), 'usd');
    await user.click(screen.getByTestId('deal-submit'));

    expect(await screen.findByText('The close date cannot be before 2000.', undefined, SLOW)).toBeInTheDocument();
    const first = JSON.parse(requests.find((r) => r.method === 'POST' && r.path === '/api/v1/deals')!.body);
    expect(first).toEqual({ name: 'Acme expansion', customer_id: 'c1', amount: '12000.5', currency: 'USD', custom_fields: {} });

    await user.click(screen.getByTestId('deal-submit'));
    expect(await screen.findByTestId('deal-title', undefined, SLOW)).toHaveTextContent('Acme expansion');
  });
});
