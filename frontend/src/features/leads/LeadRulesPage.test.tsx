import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, meResponse, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { BOB_ID, MANAGER, ME_ID, SALES, SLOW, USERS } from './testData';

function rule(id: string, position: number, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: `Rule ${id}`,
    position,
    active: true,
    province: null,
    city: null,
    product_line: null,
    source: null,
    grade: null,
    target_kind: 'user',
    target_user_id: BOB_ID,
    team_department_id: null,
    team_user_ids: [],
    version: 2,
    created_at: '2026-11-30T08:00:00Z',
    updated_at: '2026-11-30T08:00:00Z',
    ...extra,
  };
}

const RULES = [rule('r2', 1, { province: 'Zhejiang', grade: 'A' }), rule('r1', 0, { target_kind: 'round_robin', target_user_id: null, team_user_ids: [ME_ID, BOB_ID] })];

function stubRules(handler: (r: { method: string; path: string; body: string }) => Response | undefined = () => undefined) {
  return stubFetch((request) => {
    const { method, path } = request;
    if (path === '/api/v1/auth/me') return json(meResponse(MANAGER));
    if (path === '/api/v1/users') return json(USERS);
    if (path === '/api/v1/departments') return json({ items: [], next_cursor: null });
    if (path === '/api/v1/lead-assignment-rules' && method === 'GET') return json(RULES);
    return handler(request);
  });
}

describe('the lead assignment rules', () => {
  it('lists the rules in order and reorders, toggles and deletes them', async () => {
    const requests = stubRules(({ method, path }) => {
      if (path === '/api/v1/lead-assignment-rules/reorder') return json([RULES[0], RULES[1]]);
      if (method === 'PATCH' && path === '/api/v1/lead-assignment-rules/r2') return json({ ...RULES[0], active: false, version: 3 });
      if (method === 'DELETE' && path === '/api/v1/lead-assignment-rules/r1') return new Response(null, { status: 204 });
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/admin/lead-rules');

    await waitFor(() => expect(screen.getAllByTestId('rule-row-name').map((n) => n.textContent)).toEqual(['Rule r1', 'Rule r2']), SLOW);
    expect(await screen.findByText('Team in turn: Ada Admin, Bob Seller', undefined, SLOW)).toBeInTheDocument();
    expect(screen.getByText('A user: Bob Seller')).toBeInTheDocument();
    expect(screen.getByText('Province: Zhejiang')).toBeInTheDocument();
    expect(screen.getAllByTestId('rule-up')[0]).toBeDisabled();

    await user.click(screen.getAllByTestId('rule-down')[0]);
    await waitFor(() => expect(requests.some((r) => r.path === '/api/v1/lead-assignment-rules/reorder')).toBe(true), SLOW);
    expect(JSON.parse(requests.find((r) => r.path === '/api/v1/lead-assignment-rules/reorder')!.body)).toEqual({ rule_ids: ['r2', 'r1'] });

    await user.click(screen.getAllByTestId('rule-active')[1]);
    await waitFor(() => expect(requests.some((r) => r.method === 'PATCH')).toBe(true), SLOW);
    expect(JSON.parse(requests.find((r) => r.method === 'PATCH')!.body)).toEqual({ active: false, version: 2 });

    await user.click(screen.getAllByTestId('rule-delete')[0]);
    await user.click(await screen.findByRole('button', { name: 'Yes' }));
    await waitFor(() => expect(requests.some((r) => r.method === 'DELETE' && r.path === '/api/v1/lead-assignment-rules/r1')).toBe(true), SLOW);
  });

  it('creates a rule for a team of chosen users and shows the server field errors', async () => {
    let attempts = 0;
    const requests = stubRules(({ method, path }) => {
      if (method === 'POST' && path === '/api/v1/lead-assignment-rules') {
        attempts += 1;
        if (attempts === 1)
          return json({ status: 422, title: 'Validation failed', detail: 'Invalid', errors: [{ loc: ['body', 'source'], msg: 'unknown source', type: 'x' }] }, 422);
        return json(rule('r3', 2), 201);
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/admin/lead-rules');

    await user.click(await screen.findByTestId('rule-new', undefined, SLOW));
    await user.type(await screen.findByTestId('rule-name'), 'Expo leads');
    await user.type(screen.getByTestId('rule-source'), 'expo');
    await user.type(screen.getByTestId('rule-city'), 'Hangzhou');
    await user.click(within(screen.getByTestId('rule-target-kind')).getByLabelText('Least loaded in team'));
    await user.click(within(await screen.findByTestId('rule-team')).getByLabelText('Chosen users'));
    await user.click(within(await screen.findByTestId('rule-members')).getByRole('combobox'));
    await user.click(await screen.findByTitle('Bob Seller', undefined, SLOW));
    await user.click(screen.getByTestId('rule-submit'));

    expect(await screen.findByText('unknown source', undefined, SLOW)).toBeInTheDocument();
    const body = JSON.parse(requests.find((r) => r.method === 'POST')!.body);
    expect(body).toEqual({
      name: 'Expo leads',
      active: true,
      province: null,
      city: 'Hangzhou',
      product_line: null,
      source: 'expo',
      grade: null,
      target_kind: 'least_loaded',
      target_user_id: null,
      team_department_id: null,
      team_user_ids: [BOB_ID],
    });
    await user.click(screen.getByTestId('rule-submit'));
    await waitFor(() => expect(attempts).toBe(2), SLOW);
    await waitFor(() => expect(screen.queryByTestId('rule-name')).not.toBeInTheDocument(), SLOW);
  });

  it('is not there for users without leads:assign', async () => {
    stubFetch(({ path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(SALES));
      return undefined;
    });
    renderApp('/admin/lead-rules');
    await waitFor(() => expect(screen.queryByTestId('rule-new')).not.toBeInTheDocument(), SLOW);
    expect(await screen.findByText(/not found|404/i, undefined, SLOW)).toBeInTheDocument();
  });
});
