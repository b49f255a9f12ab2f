import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '../../api/tokens';
import { emptyPage, json, meResponse, problem, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';

async function submitLogin(email: string, password: string) {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText('E-mail'), email);
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('LoginPage', () => {
  it("shows the server's problem detail when the credentials are wrong", async () => {
    const requests = stubFetch((request) =>
      request.path === '/api/v1/auth/login' ? problem(401, 'Incorrect e-mail or password') : undefined,
    );
    renderApp('/login', { signedIn: false });

    await submitLogin('ada@example.com', 'wrong-password');

    expect(await screen.findByTestId('login-error')).toHaveTextContent('Incorrect e-mail or password');
    const login = requests.find((request) => request.path === '/api/v1/auth/login')!;
    expect(login.method).toBe('POST');
    expect(login.headers.get('Content-Type')).toContain('application/x-www-form-urlencoded');
    expect(new URLSearchParams(login.body).get('username')).toBe('ada@example.com');
    expect(new URLSearchParams(login.body).get('password')).toBe('wrong-password');
    expect(tokenStore.hasSession()).toBe(false);
  });

  it('turns a 429 with Retry-After into a readable message', async () => {
    stubFetch((request) =>
      request.path === '/api/v1/auth/login'
        ? problem(429, 'Too Many Requests', {}, { 'Retry-After': '30' })
        : undefined,
    );
    renderApp('/login', { signedIn: false });

    await submitLogin('ada@example.com', 'secret');

    expect(await screen.findByTestId('login-error')).toHaveTextContent('Too many attempts. Please try again in 30 seconds.');
  });

  it('signs in, stores the tokens and opens the first page the user may see', async () => {
    const requests = stubFetch((request) => {
      if (request.path === '/api/v1/auth/login')
        return json({ access_token: 'acc', refresh_token: 'ref', token_type: 'bearer', expires_in: 900 });
      if (request.path === '/api/v1/auth/me') return json(meResponse(['customers:read'], 'Sam Sales'));
      if (request.path === '/api/v1/customers') return json(emptyPage);
      return undefined;
    });
    const { router } = renderApp('/login', { signedIn: false });

    await submitLogin('sam@example.com', 'secret');

    expect(await screen.findByTestId('current-user')).toHaveTextContent('Sam Sales');
    await waitFor(() => expect(router.state.location.pathname).toBe('/customers'));
    expect(tokenStore.getAccess()).toBe('acc');
    expect(localStorage.getItem('crm.refresh_token')).toBe('ref');
    const me = requests.find((request) => request.path === '/api/v1/auth/me')!;
    expect(me.headers.get('Authorization')).toBe('Bearer acc');
  });

  it('sends a signed-out visitor to the login page', async () => {
    stubFetch(() => undefined);
    const { router } = renderApp('/customers', { signedIn: false });
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
  });
});
