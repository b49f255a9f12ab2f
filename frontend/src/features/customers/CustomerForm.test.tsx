import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, json, meResponse, problem, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';

const CUSTOMER = {
  id: '0192f0b4-0000-7000-8000-000000000042',
  kind: 'company',
  name: 'Acme Trading',
  phone: null,
  phone_e164: null,
  email: 'info@acme.test',
  province: null,
  city: 'Shanghai',
  district: null,
  address: null,
  industry: 'retail',
  source: null,
  tags: [],
  owner_id: '00000000-0000-0000-0000-000000000001',
  department_id: null,
  version: 3,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-02T00:00:00Z',
};

/** The Form.Item that wraps the input labelled `label`. */
function formItemOf(label: string): HTMLElement {
  return screen.getByLabelText(label).closest('.ant-form-item') as HTMLElement;
}

describe('customer form', () => {
  it('maps a problem+json 422 onto the matching form fields', async () => {
    const requests = stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(ALL_PERMISSIONS));
      if (request.path === '/api/v1/customers' && request.method === 'POST')
        return json(
          {
            type: 'https://crm.example/problems/validation',
            title: 'Validation failed',
            status: 422,
            detail: 'The request is invalid',
            errors: [
              { loc: ['body', 'email'], msg: 'value is not a valid email address', type: 'value_error' },
              { loc: ['body', 'phone'], msg: 'not a valid phone number', type: 'value_error' },
            ],
          },
          422,
        );
      return undefined;
    });
    const user = userEvent.setup();
    const { router } = renderApp('/customers/new');

    await user.type(await screen.findByLabelText('Name'), 'Globex');
    await user.type(screen.getByLabelText('E-mail'), 'not-an-email');
    await user.type(screen.getByLabelText('Phone'), '12');
    await user.click(screen.getByTestId('customer-submit'));

    await waitFor(() => expect(formItemOf('E-mail')).toHaveTextContent('value is not a valid email address'));
    expect(formItemOf('E-mail')).toHaveClass('ant-form-item-has-error');
    expect(formItemOf('Phone')).toHaveTextContent('not a valid phone number');
    expect(formItemOf('Name')).not.toHaveClass('ant-form-item-has-error');
    // Every error went onto a field: no banner.
    expect(screen.queryByTestId('form-error')).not.toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/customers/new');

    const post = requests.find((request) => request.method === 'POST' && request.path === '/api/v1/customers')!;
    expect(JSON.parse(post.body)).toEqual({ kind: 'company', name: 'Globex', email: 'not-an-email', phone: '12', tags: [] });
  });

  it('shows errors whose location names no field in a banner', async () => {
    stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(ALL_PERMISSIONS));
      if (request.path === '/api/v1/customers' && request.method === 'POST')
        return json({ status: 422, title: 'Validation failed', detail: 'Invalid', errors: [{ loc: ['body', 'owner_id'], msg: 'unknown owner', type: 'x' }] }, 422);
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/customers/new');
    await user.type(await screen.findByLabelText('Name'), 'Globex');
    await user.click(screen.getByTestId('customer-submit'));
    expect(await screen.findByTestId('form-error')).toHaveTextContent('owner_id: unknown owner');
  });

  it('sends the customer level (which picks the pool policy), suggesting the levels that have a policy', async () => {
    const requests = stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(ALL_PERMISSIONS));
      if (request.path === '/api/v1/customer-pool/policies')
        return json({ items: [{ id: 'p1', level: 'VIP', days_without_follow_up: 30, days_without_deal: null, warn_days_before: 0, enabled: true, version: 1, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' }], next_cursor: null });
      if (request.path === '/api/v1/customers' && request.method === 'POST') return json({ ...CUSTOMER, name: 'Globex', level: 'VIP' }, 201);
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/customers/new');
    await user.type(await screen.findByLabelText('Name'), 'Globex');
    await user.type(screen.getByTestId('customer-level'), 'V');
    await user.click(await screen.findByTitle('VIP'));
    await user.click(screen.getByTestId('customer-submit'));
    await waitFor(() => expect(requests.some((request) => request.method === 'POST')).toBe(true));
    const post = requests.find((request) => request.method === 'POST' && request.path === '/api/v1/customers')!;
    expect(JSON.parse(post.body)).toMatchObject({ name: 'Globex', level: 'VIP' });
  });

  it('sends the version on edit and explains a 412 with a reload button', async () => {
    let current = CUSTOMER;
    const requests = stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(ALL_PERMISSIONS));
      if (request.path === `/api/v1/customers/${CUSTOMER.id}` && request.method === 'GET') return json(current);
      if (request.path === `/api/v1/customers/${CUSTOMER.id}` && request.method === 'PATCH') {
        current = { ...CUSTOMER, name: 'Acme Holding', version: 4 };
        return problem(412, 'The record has changed');
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp(`/customers/${CUSTOMER.id}/edit`);

    const name = await screen.findByLabelText('Name');
    expect(name).toHaveValue('Acme Trading');
    await user.clear(name);
    await user.type(name, 'Acme Trading Ltd');
    await user.click(screen.getByTestId('customer-submit'));

    expect(await screen.findByTestId('stale-record')).toHaveTextContent('This record was changed by someone else');
    const patch = requests.find((request) => request.method === 'PATCH')!;
    expect(JSON.parse(patch.body)).toMatchObject({ name: 'Acme Trading Ltd', version: 3, email: 'info@acme.test', phone: null });

    await user.click(screen.getByTestId('reload-record'));
    await waitFor(() => expect(screen.getByLabelText('Name')).toHaveValue('Acme Holding'));
    expect(screen.queryByTestId('stale-record')).not.toBeInTheDocument();
  });
});
