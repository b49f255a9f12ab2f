import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { emptyPage, json, meResponse, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import i18n from '../../i18n';

const NOTES = [
  {
    id: 'n1',
    kind: 'task_due',
    title: 'Task due: Send the quote',
    body: null,
    link: '/tasks',
    object_type: 'task',
    object_id: 't1',
    data: { title: 'Send the quote', due_at: '2025-03-02T01:00:00Z' },
    created_at: '2025-03-02T01:00:00Z',
    read_at: null,
  },
  {
    id: 'n2',
    kind: 'birthday',
    title: 'Birthday: Li Lei on 2025-03-03',
    body: null,
    link: '/customers/c1',
    object_type: 'contact',
    object_id: 'k1',
    data: { name: 'Li Lei', date: '2025-03-03', customer_id: 'c1' },
    created_at: '2025-03-01T01:00:00Z',
    read_at: null,
  },
  {
    id: 'n3',
    kind: 'something_new',
    title: 'A kind the SPA does not know',
    body: null,
    link: null,
    object_type: null,
    object_id: null,
    data: {},
    created_at: '2025-02-01T01:00:00Z',
    read_at: '2025-02-02T01:00:00Z',
  },
];

function stub() {
  let unread = 2;
  return stubFetch((request) => {
    const { path, method } = request;
    if (path === '/api/v1/auth/me') return json(meResponse(['tasks:read']));
    if (path === '/api/v1/notifications/unread-count') return json({ unread });
    if (path === '/api/v1/notifications') return json({ items: NOTES, next_cursor: null, total: null });
    if (path === '/api/v1/notifications/n1/read' && method === 'POST') {
      unread = 1;
      return json({ ...NOTES[0], read_at: '2025-03-03T00:00:00Z' });
    }
    if (path === '/api/v1/notifications/read-all' && method === 'POST') {
      unread = 0;
      return json({ marked_read: 1 });
    }
    if (method === 'GET') return json(emptyPage);
    return undefined;
  });
}

describe('notification bell', () => {
  it('shows the unread count and the latest notifications in the reader’s language', async () => {
    stub();
    const user = userEvent.setup();
    renderApp('/tasks');
    const badge = await screen.findByTestId('notification-count', {}, { timeout: 5000 });
    await waitFor(() => expect(badge).toHaveTextContent('2'));

    await user.click(screen.getByTestId('notification-bell'));
    const list = await screen.findByTestId('notification-list');
    await waitFor(() => expect(within(list).getAllByTestId('notification-item')).toHaveLength(3));
    const [due, birthday, unknown] = within(list).getAllByTestId('notification-item');
    expect(due).toHaveTextContent('Task due: Send the quote');
    expect(due).toHaveAttribute('data-unread', 'true');
    expect(birthday).toHaveTextContent("Li Lei's birthday on 2025-03-03");
    expect(unknown).toHaveTextContent('A kind the SPA does not know');
    expect(unknown).toHaveAttribute('data-unread', 'false');

    await i18n.changeLanguage('zh-CN');
    await waitFor(() => expect(within(list).getAllByTestId('notification-item')[1]).toHaveTextContent('Li Lei 的生日：2025-03-03'));
  });

  it('marks one read when opened (following its link) and all read at once', async () => {
    const requests = stub();
    const user = userEvent.setup();
    const { router } = renderApp('/tasks');
    const badge = await screen.findByTestId('notification-count', {}, { timeout: 5000 });
    await waitFor(() => expect(badge).toHaveTextContent('2'));

    await user.click(screen.getByTestId('notification-bell'));
    const list = await screen.findByTestId('notification-list');
    await user.click((await within(list).findAllByTestId('notification-item'))[1]);
    await waitFor(() => expect(router.state.location.pathname).toBe('/customers/c1'));
    // Opening the birthday marked n2 read (the stub answers only n1 with 200: the request is what counts).
    expect(requests.some((r) => r.method === 'POST' && r.path === '/api/v1/notifications/n2/read')).toBe(true);

    await user.click(screen.getByTestId('notification-bell'));
    const countsBefore = requests.filter((r) => r.path === '/api/v1/notifications/unread-count').length;
    await user.click(await screen.findByTestId('mark-all-read'));
    await waitFor(() => expect(requests.some((r) => r.method === 'POST' && r.path === '/api/v1/notifications/read-all')).toBe(true));
    // The badge asks again at once rather than waiting for its next poll.
    await waitFor(() => expect(requests.filter((r) => r.path === '/api/v1/notifications/unread-count').length).toBeGreaterThan(countsBefore));
  });
});
