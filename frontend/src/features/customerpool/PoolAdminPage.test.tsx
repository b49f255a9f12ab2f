import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, meResponse, problem, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { ADMIN, SLOW, caps, page, policy } from './testData';

function role(key: string, name: string) {
  return {
    id: `role-${key}`,
    key,
    name,
    description: null,
    permissions: [],
    data_scopes: {},
    is_builtin: false,
    version: 1,
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
  };
}

const ROLES = page([role('sales', 'Sales'), role('manager', 'Sales manager')]);

describe('the customer pool administration', () => {
  it('lists the policies and creates one with the right body, showing a field 422', async () => {
    let attempts = 0;
    const requests = stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(ADMIN));
      if (path === '/api/v1/roles') return json(ROLES);
      if (path === '/api/v1/customer-pool/caps') return json(caps());
      if (path === '/api/v1/customer-pool/policies' && method === 'GET') return json(page([policy('p1', { level: null, days_without_deal: 90 })]));
      if (path === '/api/v1/customer-pool/policies' && method === 'POST') {
        attempts += 1;
        if (attempts === 1) {
          return problem(422, 'Invalid', {
            errors: [{ loc: ['body', 'days_without_deal'], msg: 'Input should be greater than or equal to 1', type: 'greater_than_equal' }],
          });
        }
        return json(policy('p2', { level: 'B' }), 201);
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/admin/customer-pool');

    expect(await screen.findByTestId('pool-policy-row-level', undefined, SLOW)).toHaveTextContent('Default (no level)');
    expect(screen.getByText('90 days')).toBeInTheDocument();

    await user.click(screen.getByTestId('pool-policy-new'));
    await user.type(await screen.findByTestId('pool-policy-level', undefined, SLOW), ' B ');
    await user.type(screen.getByTestId('pool-policy-days_without_follow_up'), '30');
    await user.type(screen.getByTestId('pool-policy-days_without_deal'), '60');
    const warn = screen.getByTestId('pool-policy-warn_days_before');
    await user.clear(warn);
    await user.type(warn, '5');
    await user.click(screen.getByTestId('pool-policy-submit'));

    const field = (await screen.findByText('Input should be greater than or equal to 1', undefined, SLOW)).closest('.ant-form-item') as HTMLElement;
    expect(field).toHaveTextContent('Days without open deal or signed contract');
    expect(field).toHaveClass('ant-form-item-has-error');

    await user.click(screen.getByTestId('pool-policy-submit'));
    await waitFor(() => expect(screen.queryByTestId('pool-policy-submit')).not.toBeInTheDocument(), SLOW);
    const posts = requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/customer-pool/policies');
    expect(posts).toHaveLength(2);
    expect(JSON.parse(posts[0].body)).toEqual({ level: 'B', days_without_follow_up: 30, days_without_deal: 60, warn_days_before: 5, enabled: true });
  });

  it('edits a policy with PATCH and its version, turning a rule off with null', async () => {
    const requests = stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(ADMIN));
      if (path === '/api/v1/roles') return json(ROLES);
      if (path === '/api/v1/customer-pool/caps') return json(caps());
      if (path === '/api/v1/customer-pool/policies' && method === 'GET') return json(page([policy('p1', { version: 4 })]));
      if (path === '/api/v1/customer-pool/policies/p1' && method === 'PATCH') return json(policy('p1', { version: 5 }));
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/admin/customer-pool');
    await user.click(await screen.findByTestId('pool-policy-edit', undefined, SLOW));
    await user.clear(await screen.findByTestId('pool-policy-days_without_follow_up', undefined, SLOW));
    await user.type(screen.getByTestId('pool-policy-days_without_deal'), '45');
    await user.click(screen.getByTestId('pool-policy-submit'));
    await waitFor(() => expect(requests.some((r) => r.method === 'PATCH')).toBe(true), SLOW);
    const patch = requests.find((r) => r.method === 'PATCH')!;
    expect(JSON.parse(patch.body)).toEqual({ days_without_follow_up: null, days_without_deal: 45, warn_days_before: 3, enabled: true, version: 4 });
  });

  it('saves the caps with PUT (default and per role) and shows a 422 on a role', async () => {
    let attempts = 0;
    const requests = stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(ADMIN));
      if (path === '/api/v1/roles') return json(ROLES);
      if (path === '/api/v1/customer-pool/policies') return json(page([]));
      if (path === '/api/v1/customer-pool/caps' && method === 'GET') return json(caps({ default: 50, roles: [{ role_key: 'manager', max_customers: 200 }] }));
      if (path === '/api/v1/customer-pool/caps' && method === 'PUT') {
        attempts += 1;
        if (attempts === 1) {
          return problem(422, 'The role sales is named twice.', {
            errors: [{ loc: ['body', 'roles', 1, 'role_key'], msg: 'The role sales is named twice.', type: 'value_error' }],
          });
        }
        return json(caps({ default: 80, roles: [{ role_key: 'manager', max_customers: 200 }, { role_key: 'sales', max_customers: 30 }] }));
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/admin/customer-pool');

    const defaultCap = await screen.findByTestId('pool-cap-default', undefined, SLOW);
    await waitFor(() => expect(defaultCap).toHaveValue('50'), SLOW);
    expect(await screen.findByTitle('Sales manager (manager)', undefined, SLOW)).toBeInTheDocument();
    await user.clear(defaultCap);
    await user.type(defaultCap, '80');

    await user.click(screen.getByTestId('pool-cap-add-role'));
    const rows = await screen.findAllByTestId('pool-cap-role-row');
    expect(rows).toHaveLength(2);
    await user.click(within(rows[1]).getByRole('combobox'));
    await user.click(await screen.findByTitle('Sales (sales)', undefined, SLOW));
    await user.type(within(rows[1]).getByTestId('pool-cap-role-cap'), '30');
    await user.click(screen.getByTestId('pool-caps-save'));

    expect(await within(rows[1]).findByText('The role sales is named twice.', undefined, SLOW)).toBeInTheDocument();
    await user.click(screen.getByTestId('pool-caps-save'));
    expect(await screen.findByText('Saved', undefined, SLOW)).toBeInTheDocument();
    const puts = requests.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(2);
    expect(JSON.parse(puts[1].body)).toEqual({
      default: 80,
      roles: [
        { role_key: 'manager', max_customers: 200 },
        { role_key: 'sales', max_customers: 30 },
      ],
    });
  });
});
