import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, meResponse, problem, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { fieldDef } from '../customfields/fixtures';
import { BOB_ID, MANAGER, ME_ID, SALES, SLOW, USERS, lead } from './testData';

const LEAD = lead('l1', { person_name: 'Li Lei', company_name: 'Acme', phone: '13800000000', version: 3 });
const HISTORY = {
  items: [
    { id: 'h1', lead_id: 'l1', from_user_id: null, to_user_id: ME_ID, by_user_id: null, rule_id: 'r1', kind: 'rule', reason: null, created_at: '2026-11-30T08:00:00Z' },
  ],
  next_cursor: null,
};

function stubLead(permissions: string[], extra: (r: { method: string; path: string; body: string }) => Response | undefined = () => undefined) {
  return stubFetch((request) => {
    const { method, path } = request;
    if (path === '/api/v1/auth/me') return json(meResponse(permissions));
    if (path === '/api/v1/users') return json(USERS);
    if (path === '/api/v1/leads/l1' && method === 'GET') return json(LEAD);
    if (path === '/api/v1/leads/l1/assignments') return json(HISTORY);
    return extra(request);
  });
}

describe('the lead detail page', () => {
  it('shows the lead and its assignment history, edits it and changes its status with the version', async () => {
    const requests = stubLead(SALES, ({ method, path }) => {
      if (method === 'PATCH' && path === '/api/v1/leads/l1') return json({ ...LEAD, version: 4 });
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/leads/l1');

    expect(await screen.findByTestId('lead-title', undefined, SLOW)).toHaveTextContent('Li Lei · Acme');
    expect(await screen.findByText('13800000000')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('lead-owner')).toHaveTextContent('Ada Admin'), SLOW);
    expect(await screen.findByTestId('lead-history-kind', undefined, SLOW)).toHaveTextContent('Rule');
    expect(within(screen.getByTestId('lead-history')).getByText('Assignment rule')).toBeInTheDocument();
    // A salesperson without leads:assign gets no Assign button.
    expect(screen.queryByTestId('lead-assign')).not.toBeInTheDocument();

    await user.click(within(screen.getByTestId('lead-status-select')).getByRole('combobox'));
    await user.click(await screen.findByTitle('Contacted'));
    await waitFor(() => expect(requests.some((r) => r.method === 'PATCH')).toBe(true), SLOW);
    expect(JSON.parse(requests.find((r) => r.method === 'PATCH')!.body)).toEqual({ status: 'contacted', version: 3 });

    await user.click(screen.getByTestId('lead-edit'));
    const company = await screen.findByTestId('lead-company-name');
    expect(company).toHaveValue('Acme');
    await user.clear(company);
    await user.type(company, 'Acme Ltd');
    await user.click(screen.getByTestId('lead-submit'));
    await waitFor(() => expect(requests.filter((r) => r.method === 'PATCH')).toHaveLength(2), SLOW);
    const edit = JSON.parse(requests.filter((r) => r.method === 'PATCH')[1].body);
    expect(edit).toMatchObject({ company_name: 'Acme Ltd', person_name: 'Li Lei', email: null, version: 3 });
  });

  it("shows the lead's custom fields and edits them with the standard ones", async () => {
    const budget = fieldDef('budget', 'number', { object_type: 'lead' });
    const requests = stubFetch((request) => {
      const { method, path, url } = request;
      if (path === '/api/v1/auth/me') return json(meResponse(SALES));
      if (path === '/api/v1/users') return json(USERS);
      if (path === '/api/v1/custom-fields' && url.searchParams.get('object_type') === 'lead') return json({ items: [budget], next_cursor: null, total: 1 });
      if (path === '/api/v1/leads/l1' && method === 'GET') return json({ ...LEAD, custom_fields: { budget: 5000 } });
      if (path === '/api/v1/leads/l1' && method === 'PATCH') return json({ ...LEAD, version: 4 });
      if (path === '/api/v1/leads/l1/assignments') return json(HISTORY);
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/leads/l1');

    expect(await screen.findByTestId('custom-field-values', undefined, SLOW)).toHaveTextContent('5000');
    await user.click(screen.getByTestId('lead-edit'));
    const input = within(await screen.findByTestId('cf-budget', undefined, SLOW)).getByRole('spinbutton');
    await user.clear(input);
    await user.type(input, '7000');
    await user.click(screen.getByTestId('lead-submit'));
    await waitFor(() => expect(requests.some((r) => r.method === 'PATCH')).toBe(true), SLOW);
    const body = JSON.parse(requests.find((r) => r.method === 'PATCH')!.body);
    expect(body).toMatchObject({ custom_fields: { budget: 7000 }, version: 3, person_name: 'Li Lei' });
  });

  it('lets a manager assign the lead to a user, showing a refusal', async () => {
    let attempts = 0;
    const requests = stubLead(MANAGER, ({ method, path }) => {
      if (method === 'POST' && path === '/api/v1/leads/l1/assign') {
        attempts += 1;
        if (attempts === 1) return problem(403, 'Bob Seller is outside your data scope.');
        return json({ ...LEAD, owner_id: BOB_ID });
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/leads/l1');

    await user.click(await screen.findByTestId('lead-assign', undefined, SLOW));
    await user.click(within(await screen.findByTestId('assign-user')).getByRole('combobox'));
    await user.click(await screen.findByTitle('Bob Seller', undefined, SLOW));
    await user.type(screen.getByTestId('assign-reason'), 'Knows the customer');
    await user.click(screen.getByTestId('assign-submit'));

    expect(await screen.findByText('Bob Seller is outside your data scope.', undefined, SLOW)).toBeInTheDocument();
    await user.click(screen.getByTestId('assign-submit'));
    expect(await screen.findByText('Lead assigned', undefined, SLOW)).toBeInTheDocument();
    const posts = requests.filter((r) => r.path === '/api/v1/leads/l1/assign');
    expect(posts).toHaveLength(2);
    expect(JSON.parse(posts[1].body)).toEqual({ user_id: BOB_ID, reason: 'Knows the customer' });
  });
});

describe('converting a lead', () => {
  const DUPLICATE = {
    customer: { id: 'c-old', name: 'Acme Co.' },
    score: 0.9,
    reasons: ['name'],
  };
  const RESULT = { lead: { ...LEAD, status: 'converted' }, customer_id: 'c-old', customer_created: false, contact_id: 'k1', deal_id: 'd1' };

  it('shows the possible duplicates of the new customer and links the one picked, with contact and deal', async () => {
    const requests = stubLead(MANAGER, ({ method, path }) => {
      if (method === 'POST' && path === '/api/v1/leads/l1/convert') {
        const calls = requests.filter((r) => r.path === '/api/v1/leads/l1/convert').length;
        if (calls === 1)
          return json(
            { type: 'about:blank', title: 'Conflict', status: 409, detail: 'Possible duplicates of the new customer', duplicates: [DUPLICATE], hidden_matches: 2 },
            409,
          );
        return json(RESULT);
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/leads/l1');

    await user.click(await screen.findByTestId('lead-convert', undefined, SLOW));
    expect(await screen.findByTestId('convert-customer-name')).toHaveValue('Acme');
    expect(screen.getByTestId('convert-contact-name')).toHaveValue('Li Lei');
    await user.click(screen.getByTestId('convert-with-deal'));
    await user.type(await screen.findByTestId('convert-deal-amount'), '1200.50');
    await user.clear(screen.getByTestId('convert-deal-currency'));
    await user.type(screen.getByTestId('convert-deal-currency'), 'usd');
    await user.click(screen.getByTestId('convert-submit'));

    const duplicates = await screen.findByTestId('convert-duplicates', undefined, SLOW);
    expect(within(duplicates).getByText('Acme Co.')).toBeInTheDocument();
    expect(within(duplicates).getByText('2 more possible matches are outside your data scope.')).toBeInTheDocument();
    const first = JSON.parse(requests.filter((r) => r.path === '/api/v1/leads/l1/convert')[0].body);
    expect(first).toEqual({
      on_duplicate: 'refuse',
      customer: { kind: 'company', name: 'Acme', phone: '13800000000', source: 'web' },
      contact: { name: 'Li Lei', phone: '13800000000', is_primary: true },
      deal: { name: 'Acme', currency: 'USD', amount: '1200.50' },
    });

    await user.click(within(duplicates).getByTestId('convert-link-duplicate'));
    const links = await screen.findByTestId('convert-result', undefined, SLOW);
    const second = JSON.parse(requests.filter((r) => r.path === '/api/v1/leads/l1/convert')[1].body);
    expect(second).toEqual({ ...first, customer: undefined, customer_id: 'c-old' });
    expect(second.customer).toBeUndefined();
    expect(within(links).getByTestId('convert-customer-link')).toHaveAttribute('href', '/customers/c-old');
    expect(within(links).getByTestId('convert-deal-created')).toHaveTextContent('A deal was opened');
    expect(within(links).getByTestId('convert-deal-created')).toHaveAttribute('href', '/deals/d1');
  });

  it('creates the customer anyway when asked, and shows a refusal that names no field', async () => {
    const requests = stubLead(MANAGER, ({ method, path }) => {
      if (method === 'POST' && path === '/api/v1/leads/l1/convert') {
        const calls = requests.filter((r) => r.path === '/api/v1/leads/l1/convert').length;
        if (calls === 1)
          return json({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'Possible duplicates', duplicates: [DUPLICATE], hidden_matches: 0 }, 409);
        if (calls === 2) return problem(403, 'Your role does not allow this (customers:write).');
        return json({ ...RESULT, customer_id: 'c-new', customer_created: true, deal_id: null, contact_id: null });
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/leads/l1');

    await user.click(await screen.findByTestId('lead-convert', undefined, SLOW));
    await user.click(await screen.findByTestId('convert-with-contact'));
    await user.click(screen.getByTestId('convert-submit'));
    await user.click(await screen.findByTestId('convert-create-anyway', undefined, SLOW));
    expect(await screen.findByText('Your role does not allow this (customers:write).', undefined, SLOW)).toBeInTheDocument();
    const bodies = () => requests.filter((r) => r.path === '/api/v1/leads/l1/convert').map((r) => JSON.parse(r.body));
    expect(bodies()[1]).toMatchObject({ on_duplicate: 'create', contact: null, deal: null, customer: { name: 'Acme' } });

    await user.click(screen.getByTestId('convert-submit'));
    await waitFor(() => expect(bodies()).toHaveLength(3), SLOW);
    const links = await screen.findByTestId('convert-result', undefined, SLOW);
    expect(within(links).getByTestId('convert-customer-link')).toHaveTextContent('Open the new customer');
    expect(within(links).queryByTestId('convert-deal-link')).not.toBeInTheDocument();
  });

  it('links an existing customer picked by search, without contact', async () => {
    const requests = stubLead(MANAGER, ({ method, path }) => {
      if (path === '/api/v1/customers') return json({ items: [{ id: 'c-9', name: 'Acme Group' }], next_cursor: null });
      if (method === 'POST' && path === '/api/v1/leads/l1/convert') return json({ ...RESULT, customer_id: 'c-9', deal_id: null });
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/leads/l1');

    await user.click(await screen.findByTestId('lead-convert', undefined, SLOW));
    await user.click(within(await screen.findByTestId('convert-customer-mode')).getByLabelText('Link an existing customer'));
    await user.click(screen.getByTestId('convert-with-contact'));
    await user.type(within(await screen.findByTestId('convert-customer-pick')).getByRole('combobox'), 'acme');
    await user.click(await screen.findByTitle('Acme Group', undefined, SLOW));
    expect(requests.some((r) => r.path === '/api/v1/customers' && r.url.searchParams.get('q') === 'acme')).toBe(true);
    await user.click(screen.getByTestId('convert-submit'));

    const links = await screen.findByTestId('convert-result', undefined, SLOW);
    expect(within(links).getByTestId('convert-customer-link')).toHaveTextContent('Open the linked customer');
    const body = JSON.parse(requests.find((r) => r.path === '/api/v1/leads/l1/convert')!.body);
    expect(body).toEqual({ on_duplicate: 'refuse', customer_id: 'c-9', contact: null, deal: null });
  });
});
