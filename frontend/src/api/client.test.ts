import { describe, expect, it } from 'vitest';
import { json, problem, stubFetch } from '../test/fetchMock';
import { api, unwrap } from './client';
import { tokenStore } from './tokens';

describe('api client', () => {
  it('refreshes once on a 401, stores the rotated tokens and retries', async () => {
    tokenStore.set({ access_token: 'old-access', refresh_token: 'old-refresh' });
    const requests = stubFetch((request) => {
      if (request.path === '/api/v1/auth/refresh')
        return json({ access_token: 'new-access', refresh_token: 'new-refresh', token_type: 'bearer', expires_in: 900 });
      if (request.path === '/api/v1/departments')
        return request.headers.get('Authorization') === 'Bearer new-access'
          ? json({ items: [], next_cursor: null, total: null })
          : problem(401, 'Token expired');
      return undefined;
    });

    const page = await unwrap(api.GET('/api/v1/departments', { params: { query: { limit: 10 } } }));

    expect(page.items).toEqual([]);
    expect(requests.map((request) => request.path)).toEqual(['/api/v1/departments', '/api/v1/auth/refresh', '/api/v1/departments']);
    expect(JSON.parse(requests[1].body)).toEqual({ refresh_token: 'old-refresh' });
    expect(requests[2].url.searchParams.get('limit')).toBe('10');
    expect(tokenStore.getAccess()).toBe('new-access');
    expect(tokenStore.getRefresh()).toBe('new-refresh');
  });

  it('shares one refresh between concurrent requests', async () => {
    tokenStore.set({ access_token: 'old-access', refresh_token: 'old-refresh' });
    const requests = stubFetch((request) => {
      if (request.path === '/api/v1/auth/refresh')
        return json({ access_token: 'new-access', refresh_token: 'new-refresh', token_type: 'bearer', expires_in: 900 });
      return request.headers.get('Authorization') === 'Bearer new-access' ? json({ items: [], next_cursor: null, total: null }) : problem(401, 'expired');
    });
    await Promise.all([
      unwrap(api.GET('/api/v1/departments')),
      unwrap(api.GET('/api/v1/roles')),
    ]);
    expect(requests.filter((request) => request.path === '/api/v1/auth/refresh')).toHaveLength(1);
  });

  it('logs out when the refresh fails', async () => {
    tokenStore.set({ access_token: 'old-access', refresh_token: 'revoked' });
    let loggedOut = false;
    const unsubscribe = tokenStore.subscribe(() => {
      loggedOut = !tokenStore.hasSession();
    });
    stubFetch((request) => (request.path === '/api/v1/auth/refresh' ? problem(401, 'Refresh token revoked') : problem(401, 'Token expired')));

    await expect(unwrap(api.GET('/api/v1/auth/me'))).rejects.toMatchObject({ status: 401 });

    unsubscribe();
    expect(loggedOut).toBe(true);
    expect(tokenStore.hasSession()).toBe(false);
    expect(localStorage.getItem('crm.refresh_token')).toBeNull();
  });

  it('turns an error response into an ApiError carrying the problem', async () => {
    tokenStore.set({ access_token: 'a', refresh_token: 'r' });
    stubFetch(() => problem(404, 'Customer not found'));
    await expect(unwrap(api.GET('/api/v1/customers/{customer_id}', { params: { path: { customer_id: 'x' } } }))).rejects.toMatchObject({
      status: 404,
      problem: { detail: 'Customer not found' },
    });
  });
});
