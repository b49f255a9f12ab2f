import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import { emptyPage, json, meResponse, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { toTaskCreate } from './TaskFormModal';

function task(id: string, title: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    title,
    description: null,
    due_at: '2025-03-02T01:00:00Z',
    assignee_id: '00000000-0000-0000-0000-000000000001',
    department_id: null,
    created_by: null,
    related_type: null,
    related_id: null,
    priority: 'normal',
    status: 'open',
    recurrence: null,
    previous_id: null,
    completed_at: null,
    completed_by: null,
    version: 3,
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
    ...extra,
  };
}

const VIEWS: Record<string, ReturnType<typeof task>[]> = {
  today: [task('t1', 'Call Acme', { recurrence: 'FREQ=WEEKLY', priority: 'urgent' })],
  overdue: [task('t2', 'Send the quote')],
  upcoming: [],
};

describe('my tasks', () => {
  it('shows today, overdue and upcoming tasks and completes a recurring one', async () => {
    let done = false;
    const requests = stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(['tasks:read', 'tasks:write']));
      if (request.path === '/api/v1/tasks/mine') {
        const view = request.url.searchParams.get('view') ?? '';
        const items = view === 'today' && done ? [] : VIEWS[view];
        return json({ items, next_cursor: null, total: null });
      }
      if (request.path === '/api/v1/tasks/t1/complete' && request.method === 'POST') {
        done = true;
        return json({ task: { ...VIEWS.today[0], status: 'done' }, next: task('t3', 'Call Acme', { due_at: '2025-03-09T01:00:00Z' }) });
      }
      if (request.method === 'GET') return json(emptyPage);
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/tasks');

    const today = await screen.findByTestId('my-tasks-today', {}, { timeout: 5000 });
    await waitFor(() => expect(within(today).getByText('Call Acme ↻')).toBeInTheDocument());
    expect(within(today).getByText('Urgent')).toBeInTheDocument();
    const mine = requests.find((r) => r.path === '/api/v1/tasks/mine')!;
    expect(mine.url.searchParams.get('tz')).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);

    await user.click(within(today).getByTestId('complete-task'));
    await waitFor(() => expect(requests.some((r) => r.path === '/api/v1/tasks/t1/complete')).toBe(true));
    const complete = requests.find((r) => r.path === '/api/v1/tasks/t1/complete')!;
    expect(complete.headers.get('If-Match')).toBe('"3"');
    expect(await screen.findByText(`Task completed; next one due ${dayjs('2025-03-09T01:00:00Z').format('YYYY-MM-DD HH:mm')}`)).toBeInTheDocument();
    await waitFor(() => expect(within(screen.getByTestId('my-tasks-today')).queryByText('Call Acme ↻')).not.toBeInTheDocument());

    await user.click(screen.getByTestId('tab-overdue'));
    const overdue = await screen.findByTestId('my-tasks-overdue');
    await waitFor(() => expect(within(overdue).getByText('Send the quote')).toBeInTheDocument());
    await user.click(screen.getByTestId('tab-upcoming'));
    expect(await within(await screen.findByTestId('my-tasks-upcoming')).findByText('No tasks')).toBeInTheDocument();
  });

  it('shows "My tasks" in the navigation only with tasks:read', async () => {
    stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(['customers:read']));
      if (request.method === 'GET') return json(emptyPage);
      return undefined;
    });
    renderApp('/customers');
    const nav = await screen.findByTestId('side-nav', {}, { timeout: 5000 });
    expect(within(nav).queryByText('My tasks')).not.toBeInTheDocument();
  });

  it('turns the repeat choice into an RRULE and relates the task to the customer', () => {
    expect(toTaskCreate({ title: ' Check in ', priority: 'high', repeat: 'WEEKLY', due_at: dayjs('2025-03-02T01:00:00Z') }, 'c1')).toEqual({
      title: 'Check in',
      priority: 'high',
      recurrence: 'FREQ=WEEKLY',
      due_at: '2025-03-02T01:00:00.000Z',
      related_type: 'customer',
      related_id: 'c1',
    });
    expect(toTaskCreate({ title: 'Once', priority: 'normal', repeat: '' })).toEqual({ title: 'Once', priority: 'normal' });
  });
});
