import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, meResponse, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { BOB_ID, READER, SALES, SALES_NO_USERS, SLOW, USERS, lead } from './testData';

describe('the lead list', () => {
  it('shows leads with their owner, filters them, and loads more with the cursor', async () => {
    const requests = stubFetch(({ path, url }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(SALES));
      if (path === '/api/v1/users') return json(USERS);
      if (path === '/api/v1/leads') {
        if (url.searchParams.get('cursor') === 'c2') return json({ items: [lead('l3')], next_cursor: null });
        if (url.searchParams.get('status') === 'qualified') return json({ items: [lead('l2', { status: 'qualified' })], next_cursor: null, total: 1 });
        return json({ items: [lead('l1'), lead('l2', { owner_id: BOB_ID, status: 'qualified', grade: null })], next_cursor: 'c2', total: 3 });
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/leads');

    const links = await screen.findAllByTestId('lead-list-open', undefined, SLOW);
    expect(links.map((a) => a.textContent)).toEqual(['Person l1 · Company l1', 'Person l2 · Company l2']);
    expect(links[0]).toHaveAttribute('href', '/leads/l1');
    expect(await screen.findByText('Bob Seller', undefined, SLOW)).toBeInTheDocument();
    expect(screen.getAllByTestId('lead-list-status').map((tag) => tag.textContent)).toEqual(['New', 'Qualified']);

    await user.click(screen.getByTestId('load-more'));
    await waitFor(() => expect(screen.getAllByTestId('lead-list-open')).toHaveLength(3), SLOW);

    await user.click(within(screen.getByTestId('lead-status-filter')).getByRole('combobox'));
    await user.click(await screen.findByTitle('Qualified'));
    await waitFor(() => expect(screen.getAllByTestId('lead-list-open')).toHaveLength(1), SLOW);
    expect(requests.some((r) => r.path === '/api/v1/leads' && r.url.searchParams.get('status') === 'qualified')).toBe(true);

    await user.type(within(screen.getByTestId('lead-search')).getByRole('searchbox'), 'acme{Enter}');
    await waitFor(
      () => expect(requests.some((r) => r.url.searchParams.get('q') === 'acme' && r.url.searchParams.get('status') === 'qualified')).toBe(true),
      SLOW,
    );
    await user.type(within(screen.getByTestId('lead-source-filter')).getByRole('searchbox'), 'expo{Enter}');
    await waitFor(() => expect(requests.some((r) => r.url.searchParams.get('source') === 'expo')).toBe(true), SLOW);
  });

  it('creates a lead and shows the server field errors on the form', async () => {
    let attempts = 0;
    const requests = stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(SALES));
      if (path === '/api/v1/users') return json(USERS);
      if (path === '/api/v1/leads' && method === 'GET') return json({ items: [], next_cursor: null, total: 0 });
      if (path === '/api/v1/leads' && method === 'POST') {
        attempts += 1;
        if (attempts === 1)
          return json({ status: 422, title: 'Validation failed', detail: 'Invalid', errors: [{ loc: ['body', 'email'], msg: 'not a valid e-mail', type: 'x' }] }, 422);
        return json(lead('new1', { person_name: 'Li Lei', company_name: 'Acme' }), 201);
      }
      if (path === '/api/v1/leads/new1') return json(lead('new1', { person_name: 'Li Lei', company_name: 'Acme' }));
      return undefined;
    });
    const user = userEvent.setup();
    const { router } = renderApp('/leads');

    await user.click(await screen.findByTestId('lead-new', undefined, SLOW));
    await user.type(await screen.findByTestId('lead-person-name'), 'Li Lei');
    await user.type(screen.getByTestId('lead-company-name'), 'Acme');
    await user.type(screen.getByTestId('lead-email'), 'li@bad');
    await user.click(screen.getByTestId('lead-submit'));

    expect(await screen.findByText('not a valid e-mail', undefined, SLOW)).toBeInTheDocument();
    const posts = requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/leads');
    expect(JSON.parse(posts[0].body)).toEqual({ person_name: 'Li Lei', company_name: 'Acme', email: 'li@bad' });

    await user.clear(screen.getByTestId('lead-email'));
    await user.click(screen.getByTestId('lead-submit'));
    await waitFor(() => expect(router.state.location.pathname).toBe('/leads/new1'), SLOW);
    expect(JSON.parse(requests.filter((r) => r.method === 'POST').at(-1)!.body)).toEqual({ person_name: 'Li Lei', company_name: 'Acme' });
  });

  it('hides "New lead" from readers', async () => {
    stubFetch(({ path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(READER));
      if (path === '/api/v1/users') return json(USERS);
      if (path === '/api/v1/leads') return json({ items: [lead('l1')], next_cursor: null, total: 1 });
      return undefined;
    });
    renderApp('/leads');
    await screen.findAllByTestId('lead-list-open', undefined, SLOW);
    expect(screen.queryByTestId('lead-new')).not.toBeInTheDocument();
  });

  it('without users:read names only the signed-in owner and does not ask for the user list', async () => {
    const requests = stubFetch(({ path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(SALES_NO_USERS));
      if (path === '/api/v1/leads') return json({ items: [lead('l1'), lead('l2', { owner_id: BOB_ID })], next_cursor: null, total: 2 });
      return undefined;
    });
    renderApp('/leads');
    await screen.findAllByTestId('lead-list-open', undefined, SLOW);
    const table = screen.getByTestId('lead-list');
    expect(within(table).getByText('Ada Admin')).toBeInTheDocument();
    expect(within(table).getByText(BOB_ID.slice(0, 8))).toBeInTheDocument();
    expect(requests.some((r) => r.path === '/api/v1/users')).toBe(false);
  });
});
