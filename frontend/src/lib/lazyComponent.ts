import { lazy, type ComponentType } from 'react';

const loaders: (() => Promise<unknown>)[] = [];

/**
 * A component loaded on first render, for what a feature puts into another feature's page: the
 * host page's chunk then does not pull the guest feature's code. Render it inside <Suspense>.
 */
export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>) {
  loaders.push(load);
  return lazy(async () => ({ default: await load() }));
}

/** Loads every lazy component's code now (tests render the whole app without waiting on chunks). */
export async function preloadLazyComponents(): Promise<void> {
  await Promise.all(loaders.map((load) => load()));
}
