import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, meResponse, problem, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { READER, SALES, SLOW, lead } from './testData';

describe('the lead pool', () => {
  it('claims a lead, and explains a 409 when someone else was faster, refreshing the pool', async () => {
    let pool = [lead('p1', { owner_id: null }), lead('p2', { owner_id: null })];
    let poolFetches = 0;
    const requests = stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(SALES));
      if (path === '/api/v1/leads/pool') {
        poolFetches += 1;
        return json({ items: pool, next_cursor: null, total: pool.length });
      }
      if (method === 'POST' && path === '/api/v1/leads/p1/claim') {
        pool = pool.filter((l) => l.id !== 'p1');
        return json(lead('p1'));
      }
      if (method === 'POST' && path === '/api/v1/leads/p2/claim') {
        pool = pool.filter((l) => l.id !== 'p2');
        return problem(409, 'The lead has an owner already.');
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/leads/pool');

    const buttons = await screen.findAllByTestId('lead-claim', undefined, SLOW);
    expect(buttons).toHaveLength(2);
    expect(screen.queryByText('Owner')).not.toBeInTheDocument();

    await user.click(buttons[0]);
    expect(await screen.findByText('The lead is yours now.', undefined, SLOW)).toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByTestId('lead-claim')).toHaveLength(1), SLOW);
    expect(requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/api/v1/leads/p1/claim']);

    const before = poolFetches;
    await user.click(screen.getByTestId('lead-claim'));
    expect(await screen.findByTestId('claim-refused', undefined, SLOW)).toHaveTextContent(
      'Someone else claimed this lead first: The lead has an owner already.',
    );
    await waitFor(() => expect(screen.queryAllByTestId('lead-claim')).toHaveLength(0), SLOW);
    expect(poolFetches).toBeGreaterThan(before);
  });

  it('offers no Claim button without leads:write', async () => {
    stubFetch(({ path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(READER));
      if (path === '/api/v1/leads/pool') return json({ items: [lead('p1', { owner_id: null })], next_cursor: null, total: 1 });
      return undefined;
    });
    renderApp('/leads/pool');
    await screen.findAllByTestId('lead-pool-open', undefined, SLOW);
    expect(screen.queryByTestId('lead-claim')).not.toBeInTheDocument();
  });
});
