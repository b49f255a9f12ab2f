import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import { emptyPage, json, meResponse, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { toActivityCreate } from './ActivityFormModal';

const CUSTOMER_ID = '0192f0b4-0000-7000-8000-000000000042';
const CUSTOMER = {
  id: CUSTOMER_ID,
  kind: 'company',
  name: 'Acme Trading',
  phone: null,
  phone_e164: null,
  email: null,
  province: null,
  city: null,
  district: null,
  address: null,
  industry: null,
  source: null,
  tags: [],
  notes: null,
  owner_id: '00000000-0000-0000-0000-000000000001',
  department_id: null,
  version: 1,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-02T00:00:00Z',
};
const PERMISSIONS = ['customers:read', 'contacts:read', 'activities:read', 'activities:write', 'tasks:read'];

const call = {
  id: 'a1',
  type: 'activity',
  occurred_at: '2025-03-02T01:30:00Z',
  kind: 'call',
  title: 'Price talk',
  actor: { id: 'u1', name: 'Sales A' },
  data: { outcome: 'Wants a quote', duration_minutes: 15, body: null, location: null },
};
const ownerChanged = {
  id: 'e1',
  type: 'event',
  occurred_at: '2025-03-01T00:00:00Z',
  kind: 'customer.owner_changed',
  title: 'Owner changed',
  actor: null,
  data: {},
};
const orderPaid = {
  id: 'e2',
  type: 'event',
  occurred_at: '2025-02-01T00:00:00Z',
  kind: 'order.paid',
  title: 'Order paid',
  actor: null,
  data: {},
};

/** The radio button's label: antd hides the input itself from the pointer. */
function kindButton(kind: string): HTMLElement {
  return screen.getByTestId(`activity-kind-${kind}`).closest('label') as HTMLElement;
}

function stub() {
  let logged = false;
  return stubFetch((request) => {
    const { path, method, url } = request;
    if (path === '/api/v1/auth/me') return json(meResponse(PERMISSIONS));
    if (path === `/api/v1/customers/${CUSTOMER_ID}`) return json(CUSTOMER);
    if (path === `/api/v1/customers/${CUSTOMER_ID}/timeline`) {
      if (url.searchParams.get('cursor') === 'page-2') return json({ items: [orderPaid], next_cursor: null });
      const first = logged ? [{ ...call, id: 'a2', kind: 'visit', title: 'Site visit', data: { location: { address: 'Hall 3' } } }, call] : [call];
      return json({ items: [...first, ownerChanged], next_cursor: 'page-2' });
    }
    if (path === '/api/v1/activities' && method === 'POST') {
      logged = true;
      return json({ id: 'a2' }, 201);
    }
    if (method === 'GET') return json(emptyPage);
    return undefined;
  });
}

describe('customer timeline', () => {
  it('shows activities and events, translated, and pages with the cursor', async () => {
    const requests = stub();
    const user = userEvent.setup();
    renderApp(`/customers/${CUSTOMER_ID}`);
    await user.click(await screen.findByTestId('tab-timeline', {}, { timeout: 5000 }));

    const timeline = await screen.findByTestId('customer-timeline');
    await waitFor(() => expect(within(timeline).getAllByTestId('timeline-item')).toHaveLength(2));
    const [first, second] = within(timeline).getAllByTestId('timeline-item');
    expect(first).toHaveTextContent('Price talk');
    expect(first).toHaveTextContent('Call');
    expect(first).toHaveTextContent('15 min');
    expect(first).toHaveTextContent('Outcome: Wants a quote');
    expect(first).toHaveTextContent('Sales A');
    expect(second).toHaveAttribute('data-type', 'event');
    expect(second).toHaveTextContent('Owner changed');

    await user.click(screen.getByTestId('load-more'));
    await waitFor(() => expect(within(timeline).getAllByTestId('timeline-item')).toHaveLength(3));
    // An event of a domain the SPA has no words for falls back to the server's title.
    expect(within(timeline).getAllByTestId('timeline-item')[2]).toHaveTextContent('Order paid');
    const paged = requests.filter((r) => r.path.endsWith('/timeline') && r.url.searchParams.get('cursor') === 'page-2');
    expect(paged).toHaveLength(1);
    expect(screen.queryByTestId('load-more')).not.toBeInTheDocument();
  });

  it('logs a visit with its location and duration, then shows it', async () => {
    const requests = stub();
    const user = userEvent.setup();
    renderApp(`/customers/${CUSTOMER_ID}`);
    await user.click(await screen.findByTestId('tab-timeline', {}, { timeout: 5000 }));
    await user.click(await screen.findByTestId('log-activity'));

    // A note has neither duration nor location fields.
    await user.click(kindButton('note'));
    expect(screen.queryByTestId('activity-duration')).not.toBeInTheDocument();
    expect(screen.queryByTestId('activity-address')).not.toBeInTheDocument();

    await user.click(kindButton('visit'));
    await user.type(screen.getByTestId('activity-subject'), 'Site visit');
    await user.type(screen.getByTestId('activity-duration'), '45');
    await user.type(screen.getByTestId('activity-address'), 'Hall 3');
    await user.type(screen.getByTestId('activity-outcome'), 'Samples left');
    await user.click(screen.getByTestId('activity-submit'));

    await waitFor(() => expect(requests.some((r) => r.method === 'POST' && r.path === '/api/v1/activities')).toBe(true));
    const post = requests.find((r) => r.method === 'POST' && r.path === '/api/v1/activities')!;
    const body = JSON.parse(post.body);
    expect(body).toMatchObject({
      customer_id: CUSTOMER_ID,
      kind: 'visit',
      subject: 'Site visit',
      duration_minutes: 45,
      outcome: 'Samples left',
      location: { address: 'Hall 3', lat: null, lng: null },
    });
    expect(dayjs(body.occurred_at).isValid()).toBe(true);
    const timeline = await screen.findByTestId('customer-timeline');
    await waitFor(() => expect(within(timeline).getAllByTestId('timeline-item')[0]).toHaveTextContent('Site visit'));
  });

  it('sends only the details the kind carries', () => {
    const values = {
      subject: ' Called ',
      occurred_at: dayjs('2025-03-02T09:30:00+08:00'),
      duration_minutes: 10,
      location: { address: 'Somewhere', lat: 31.2, lng: 121.5 },
    };
    expect(toActivityCreate('c1', { ...values, kind: 'note' })).toEqual({
      customer_id: 'c1',
      kind: 'note',
      subject: 'Called',
      occurred_at: '2025-03-02T01:30:00.000Z',
    });
    expect(toActivityCreate('c1', { ...values, kind: 'call' })).toMatchObject({ duration_minutes: 10 });
    expect(toActivityCreate('c1', { ...values, kind: 'call' })).not.toHaveProperty('location');
    expect(toActivityCreate('c1', { ...values, kind: 'meeting' }).location).toEqual({ address: 'Somewhere', lat: 31.2, lng: 121.5 });
  });
});
