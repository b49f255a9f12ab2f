import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, meResponse, problem, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { ADMIN_SETTINGS, CONTRACTS_RW, SLOW } from './testData';

describe('the contract templates admin', () => {
  it('creates a template; a 422 lands on its field, then the save goes through', async () => {
    let posts = 0;
    const requests = stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(ADMIN_SETTINGS));
      if (path === '/api/v1/contract-templates' && method === 'GET') return json({ items: [], next_cursor: null });
      if (path === '/api/v1/contract-templates' && method === 'POST') {
        posts += 1;
        if (posts === 1)
          return problem(422, 'min_amount must not exceed max_amount', {
            errors: [{ loc: ['body', 'min_amount'], msg: 'min_amount must not exceed max_amount', type: 'value_error' }],
          });
        return json({ id: 't1' }, 201);
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/admin/contract-templates');

    await user.click(await screen.findByTestId('template-new', undefined, SLOW));
    await user.type(await screen.findByTestId('template-name'), 'Standard supply');
    await user.type(screen.getByTestId('template-min-amount'), '5000');
    await user.type(screen.getByTestId('template-max-amount'), '100');
    await user.type(screen.getByTestId('template-body'), 'Contract {{{{contract.number}}');
    await user.click(screen.getByTestId('template-submit'));

    expect(await screen.findByText('min_amount must not exceed max_amount', undefined, SLOW)).toBeInTheDocument();
    const first = JSON.parse(requests.find((r) => r.method === 'POST')!.body);
    expect(first).toEqual({ name: 'Standard supply', product_line: null, min_amount: '5000', max_amount: '100', currency: 'CNY', body: 'Contract {{contract.number}}', active: true });

    await user.clear(screen.getByTestId('template-min-amount'));
    await user.type(screen.getByTestId('template-min-amount'), '10');
    await user.click(screen.getByTestId('template-submit'));
    await waitFor(() => expect(posts).toBe(2), SLOW);
    await waitFor(() => expect(screen.queryByTestId('template-name')).not.toBeInTheDocument(), SLOW);
  });

  it('is not offered without admin:settings', async () => {
    stubFetch(({ path }) => (path === '/api/v1/auth/me' ? json(meResponse(CONTRACTS_RW)) : undefined));
    renderApp('/admin/contract-templates');
    expect(await screen.findByTestId('not-found', undefined, SLOW)).toBeInTheDocument();
  });
});
