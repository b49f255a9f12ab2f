import { render } from '@testing-library/react';
import { createMemoryRouter, type RouteObject } from 'react-router';
import { tokenStore } from '../api/tokens';
import { App, createQueryClient } from '../App';
import { preloadLazyComponents } from '../lib/lazyComponent';
import { routes } from '../routes';

/** Every lazily loaded page's code, fetched once, so a test's first screen does not wait on it. */
async function preloadRoutes(list: RouteObject[]): Promise<void> {
  await Promise.all(
    list.map(async (route) => {
      if (typeof route.lazy === 'function') await route.lazy();
      if (route.children) await preloadRoutes(route.children);
    }),
  );
}

await Promise.all([preloadRoutes(routes), preloadLazyComponents()]);

/** Renders the whole SPA at `path`, optionally with a session already in place. */
export function renderApp(path: string, { signedIn = true }: { signedIn?: boolean } = {}) {
  if (signedIn) tokenStore.set({ access_token: 'access-1', refresh_token: 'refresh-1' });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false, refetchOnWindowFocus: false }, mutations: { retry: false } });
  const view = render(<App router={router} queryClient={queryClient} />);
  return { ...view, router, queryClient };
}
