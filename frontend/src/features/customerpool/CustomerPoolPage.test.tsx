import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, meResponse, problem, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { CAROL_ID, MANAGER, READER, SALES, SLOW, USERS, caps, customer, page } from './testData';

describe('the customer pool', () => {
  it('lists pool customers and claims one: POST, the row leaves, the cap figures refresh', async () => {
    let pool = [customer('c1', { name: 'Acme Trading' }), customer('c2', { name: 'Globex', level: null, province: null, city: null })];
    let owned = 1;
    const requests = stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(SALES));
      if (path === '/api/v1/users') return json(USERS);
      if (path === '/api/v1/customer-pool/policies') return json(page([]));
      if (path === '/api/v1/customer-pool/caps') return json(caps({ mine: { cap: 5, owned } }));
      if (path === '/api/v1/customer-pool') return json(page(pool));
      if (method === 'POST' && path === '/api/v1/customer-pool/c1/claim') {
        pool = pool.filter((c) => c.id !== 'c1');
        owned += 1;
        return json(customer('c1', { owner_id: '00000000-0000-0000-0000-000000000001' }));
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/customer-pool');

    const rows = await screen.findAllByTestId('pool-row', undefined, SLOW);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('Acme Trading');
    expect(rows[0]).toHaveTextContent('Zhejiang / Hangzhou');
    expect(rows[0]).toHaveTextContent('2026-11-20');
    expect(await within(rows[0]).findByText('Bob Seller', undefined, SLOW)).toBeInTheDocument();
    expect(await screen.findByTestId('pool-my-cap', undefined, SLOW)).toHaveTextContent('You own 1 customers; your cap is 5.');

    await user.click(within(rows[0]).getByTestId('pool-claim'));
    expect(await screen.findByText('Acme Trading is your customer now.', undefined, SLOW)).toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByTestId('pool-row')).toHaveLength(1), SLOW);
    expect(screen.getByTestId('pool-row')).toHaveTextContent('Globex');
    expect(requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/api/v1/customer-pool/c1/claim']);
    await waitFor(() => expect(screen.getByTestId('pool-my-cap')).toHaveTextContent('You own 2 customers; your cap is 5.'), SLOW);
  });

  it('sends the search and level filters', async () => {
    const requests = stubFetch(({ path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(SALES));
      if (path === '/api/v1/users') return json(USERS);
      if (path === '/api/v1/customer-pool/policies') return json(page([]));
      if (path === '/api/v1/customer-pool/caps') return json(caps());
      if (path === '/api/v1/customer-pool') return json(page([customer('c1')]));
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/customer-pool');
    await screen.findAllByTestId('pool-row', undefined, SLOW);
    await user.type(within(screen.getByTestId('pool-search')).getByRole('searchbox'), 'acme{Enter}');
    await user.type(screen.getByPlaceholderText('Level'), 'B{Enter}');
    await waitFor(() => {
      const last = requests.filter((r) => r.path === '/api/v1/customer-pool').at(-1)!;
      expect(last.url.searchParams.get('q')).toBe('acme');
      expect(last.url.searchParams.get('level')).toBe('B');
    }, SLOW);
  });

  it('explains a refusal at the cap (with the figures) and a 409 when someone else was faster, refreshing the pool', async () => {
    let pool = [customer('c1', { name: 'Acme Trading' }), customer('c2', { name: 'Globex' })];
    let poolFetches = 0;
    stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(SALES));
      if (path === '/api/v1/users') return json(USERS);
      if (path === '/api/v1/customer-pool/policies') return json(page([]));
      if (path === '/api/v1/customer-pool/caps') return json(caps({ mine: { cap: 5, owned: 5 } }));
      if (path === '/api/v1/customer-pool') {
        poolFetches += 1;
        return json(page(pool));
      }
      if (method === 'POST' && path === '/api/v1/customer-pool/c1/claim') {
        const msg = 'You already own 5 customers; the cap is 5.';
        return problem(422, msg, { errors: [{ loc: ['body', 'customer_id'], msg, type: 'value_error' }] });
      }
      if (method === 'POST' && path === '/api/v1/customer-pool/c2/claim') {
        pool = pool.filter((c) => c.id !== 'c2');
        return problem(409, 'The customer is not in the pool: someone owns it.');
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/customer-pool');

    const rows = await screen.findAllByTestId('pool-row', undefined, SLOW);
    await screen.findByTestId('pool-my-cap', undefined, SLOW);
    let before = poolFetches;
    await user.click(within(rows[0]).getByTestId('pool-claim'));
    expect(await screen.findByTestId('pool-claim-refused', undefined, SLOW)).toHaveTextContent(
      'You cannot claim Acme Trading: you have reached your customer cap. You already own 5 customers; the cap is 5. You own 5 customers; your cap is 5.',
    );
    await waitFor(() => expect(poolFetches).toBeGreaterThan(before), SLOW);
    expect(screen.getAllByTestId('pool-row')).toHaveLength(2);

    before = poolFetches;
    await user.click(within(screen.getAllByTestId('pool-row')[1]).getByTestId('pool-claim'));
    await waitFor(
      () =>
        expect(screen.getByTestId('pool-claim-refused')).toHaveTextContent(
          'Someone else claimed Globex first: The customer is not in the pool: someone owns it.',
        ),
      SLOW,
    );
    await waitFor(() => expect(screen.getAllByTestId('pool-row')).toHaveLength(1), SLOW);
    expect(poolFetches).toBeGreaterThan(before);
  });

  it('offers neither Claim nor Assign without customers:claim / customers:assign', async () => {
    stubFetch(({ path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(READER));
      if (path === '/api/v1/users') return json(USERS);
      if (path === '/api/v1/customer-pool/policies') return json(page([]));
      if (path === '/api/v1/customer-pool/caps') return json(caps());
      if (path === '/api/v1/customer-pool') return json(page([customer('c1')]));
      return undefined;
    });
    renderApp('/customer-pool');
    await screen.findAllByTestId('pool-row', undefined, SLOW);
    expect(screen.queryByTestId('pool-claim')).not.toBeInTheDocument();
    expect(screen.queryByTestId('pool-assign')).not.toBeInTheDocument();
  });

  it('a salesperson claims but does not assign', async () => {
    stubFetch(({ path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(SALES));
      if (path === '/api/v1/users') return json(USERS);
      if (path === '/api/v1/customer-pool/policies') return json(page([]));
      if (path === '/api/v1/customer-pool/caps') return json(caps());
      if (path === '/api/v1/customer-pool') return json(page([customer('c1')]));
      return undefined;
    });
    renderApp('/customer-pool');
    await screen.findAllByTestId('pool-claim', undefined, SLOW);
    expect(screen.queryByTestId('pool-assign')).not.toBeInTheDocument();
  });

  it('assigns to the user chosen in the picker (searching users), showing a 422 on the user', async () => {
    let pool = [customer('c1', { name: 'Acme Trading' })];
    let refuse = true;
    const requests = stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(MANAGER));
      if (path === '/api/v1/users') return json(USERS);
      if (path === '/api/v1/customer-pool/policies') return json(page([]));
      if (path === '/api/v1/customer-pool/caps') return json(caps({ mine: { cap: null, owned: 0 } }));
      if (path === '/api/v1/customer-pool') return json(page(pool));
      if (method === 'POST' && path === '/api/v1/customer-pool/c1/assign') {
        if (refuse) {
          refuse = false;
          const msg = 'That user already owns 9 customers; the cap is 9.';
          return problem(422, msg, { errors: [{ loc: ['body', 'user_id'], msg, type: 'value_error' }] });
        }
        pool = [];
        return json(customer('c1', { owner_id: CAROL_ID }));
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/customer-pool');

    await user.click(await screen.findByTestId('pool-assign', undefined, SLOW));
    const picker = within(await screen.findByTestId('pool-assign-user', undefined, SLOW)).getByRole('combobox');
    await user.click(picker);
    await user.type(picker, 'car');
    await waitFor(() => expect(requests.some((r) => r.path === '/api/v1/users' && r.url.searchParams.get('q') === 'car')).toBe(true), SLOW);
    await user.click(await screen.findByTitle('Carol Closer (carol@example.com)', undefined, SLOW));
    await user.click(screen.getByTestId('pool-assign-submit'));

    expect(await screen.findByText('That user already owns 9 customers; the cap is 9.', undefined, SLOW)).toBeInTheDocument();
    await user.click(screen.getByTestId('pool-assign-submit'));
    expect(await screen.findByText('Acme Trading has been assigned.', undefined, SLOW)).toBeInTheDocument();
    const posts = requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/customer-pool/c1/assign');
    expect(posts).toHaveLength(2);
    expect(JSON.parse(posts[1].body)).toEqual({ user_id: CAROL_ID });
    await waitFor(() => expect(screen.queryAllByTestId('pool-row')).toHaveLength(0), SLOW);
  });
});
