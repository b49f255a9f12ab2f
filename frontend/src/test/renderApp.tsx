import { render } from '@testing-library/react';
import { createMemoryRouter } from 'react-router';
import { tokenStore } from '../api/tokens';
import { App, createQueryClient } from '../App';
import { preloadLazyComponents } from '../lib/lazyComponent';
import { routes } from '../routes';

// Every lazily loaded page's and panel's code, fetched once, so a test's first screen does not wait on it.
await preloadLazyComponents();

/** Renders the whole SPA at `path`, optionally with a session already in place. */
export function renderApp(path: string, { signedIn = true }: { signedIn?: boolean } = {}) {
  if (signedIn) tokenStore.set({ access_token: 'access-1', refresh_token: 'refresh-1' });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false, refetchOnWindowFocus: false }, mutations: { retry: false } });
  const view = render(<App router={router} queryClient={queryClient} />);
  return { ...view, router, queryClient };
}
