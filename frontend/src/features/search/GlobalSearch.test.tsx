import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { emptyPage, json, meResponse, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';

const CUSTOMER_ID = '0190a000-0000-7000-8000-000000000001';
const CONTACT_ID = '0190a000-0000-7000-8000-000000000002';

const customer = {
  id: CUSTOMER_ID, kind: 'company', name: '星辰科技', phone: null, phone_e164: null, email: null,
  province: null, city: null, district: null, address: null, industry: null, source: null,
  tags: [], notes: null, owner_id: null, department_id: null, version: 1,
  created_at: '2026-11-24T10:00:00Z', updated_at: '2026-11-24T10:00:00Z',
};

describe('GlobalSearch', () => {
  it('searches as the user types and opens the customer of the chosen hit', async () => {
    const requests = stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(['customers:read', 'contacts:read']));
      if (request.path === '/api/v1/search')
        return json({
          items: [
            { type: 'customer', id: CUSTOMER_ID, title: '星辰科技', subtitle: '+86 571 8765 4321', score: 0.9, matched: ['name'], customer_id: CUSTOMER_ID },
            { type: 'contact', id: CONTACT_ID, title: '王小明', subtitle: '星辰科技', score: 0.5, matched: ['email'], customer_id: CUSTOMER_ID },
          ],
        });
      if (request.path === `/api/v1/customers/${CUSTOMER_ID}`) return json(customer);
      if (request.method === 'GET') return json(emptyPage);
      return undefined;
    });
    const user = userEvent.setup();
    const { router } = renderApp('/customers');

    await user.type(await screen.findByTestId('global-search'), '星辰');

    const contactHit = await screen.findByTestId(`search-hit-${CONTACT_ID}`);
    expect(screen.getByTestId(`search-hit-${CUSTOMER_ID}`)).toHaveTextContent('星辰科技');
    expect(contactHit).toHaveTextContent('Contact');
    const searches = requests.filter((r) => r.path === '/api/v1/search');
    expect(searches.at(-1)!.url.searchParams.get('q')).toBe('星辰');

    await user.click(contactHit);
    await waitFor(() => expect(router.state.location.pathname).toBe(`/customers/${CUSTOMER_ID}`));
    expect(await screen.findByTestId('customer-title')).toHaveTextContent('星辰科技');
  });
});
