import { render } from '@testing-library/react';
import { createMemoryRouter } from 'react-router';
import { tokenStore } from '../api/tokens';
import { App, createQueryClient } from '../App';
import { routes } from '../routes';

/** Renders the whole SPA at `path`, optionally with a session already in place. */
export function renderApp(path: string, { signedIn = true }: { signedIn?: boolean } = {}) {
  if (signedIn) tokenStore.set({ access_token: 'access-1', refresh_token: 'refresh-1' });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false, refetchOnWindowFocus: false }, mutations: { retry: false } });
  const view = render(<App router={router} queryClient={queryClient} />);
  return { ...view, router, queryClient };
}
