import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, emptyPage, json, meResponse, problem, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { ME_ID, SLOW, customer } from './testData';

const OWNED = customer('c1', { name: 'Acme Trading', owner_id: ME_ID, previous_owner_id: null, returned_to_pool_at: null });

describe('release to pool on the customer page', () => {
  it('confirms with a reason, sends POST and shows the customer as in the pool', async () => {
    let current: Record<string, unknown> = OWNED;
    let contactFetches = 0;
    const requests = stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(ALL_PERMISSIONS));
      if (path === '/api/v1/customers/c1' && method === 'GET') return json(current);
      if (path === '/api/v1/customers/c1/contacts') {
        contactFetches += 1;
        return json(emptyPage);
      }
      if (path === '/api/v1/customers/c1/release-to-pool' && method === 'POST') {
        current = { ...OWNED, owner_id: null, previous_owner_id: ME_ID, returned_to_pool_at: '2026-12-01T08:00:00Z', version: 3 };
        return json(current);
      }
      if (method === 'GET') return json(emptyPage);
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/customers/c1');

    await user.click(await screen.findByTestId('customer-release', undefined, SLOW));
    await user.type(await screen.findByTestId('customer-release-reason', undefined, SLOW), '  No budget this year ');
    const contactsBefore = contactFetches;
    await user.click(screen.getByTestId('customer-release-confirm'));

    expect(await screen.findByTestId('customer-in-pool', undefined, SLOW)).toHaveTextContent('In the customer pool');
    expect(screen.getByText('Acme Trading is back in the pool.')).toBeInTheDocument();
    expect(screen.queryByTestId('customer-release')).not.toBeInTheDocument();
    const posts = requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.path)).toEqual(['/api/v1/customers/c1/release-to-pool']);
    expect(JSON.parse(posts[0].body)).toEqual({ reason: 'No budget this year' });
    // The rest of the page (contacts, timeline) is fetched again.
    await waitFor(() => expect(contactFetches).toBeGreaterThan(contactsBefore), SLOW);
  });

  it('sends no reason when none is given, and shows a refusal in the dialog', async () => {
    const requests = stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(ALL_PERMISSIONS));
      if (path === '/api/v1/customers/c1' && method === 'GET') return json(OWNED);
      if (path === '/api/v1/customers/c1/release-to-pool') return problem(409, 'The customer is in the pool already.');
      if (method === 'GET') return json(emptyPage);
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/customers/c1');

    await user.click(await screen.findByTestId('customer-release', undefined, SLOW));
    await user.click(await screen.findByTestId('customer-release-confirm', undefined, SLOW));
    expect(await screen.findByTestId('form-error', undefined, SLOW)).toHaveTextContent('The customer is in the pool already.');
    const post = requests.find((r) => r.method === 'POST')!;
    expect(JSON.parse(post.body)).toEqual({});
  });

  it('is not offered without customers:write', async () => {
    stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(['customers:read']));
      if (path === '/api/v1/customers/c1') return json(OWNED);
      if (method === 'GET') return json(emptyPage);
      return undefined;
    });
    renderApp('/customers/c1');
    await screen.findByTestId('customer-title', undefined, SLOW);
    expect(screen.queryByTestId('customer-release')).not.toBeInTheDocument();
  });
});
