import { createElement, lazy, type ComponentType } from 'react';

const loaders: (() => Promise<unknown>)[] = [];

/**
 * A component loaded on first render, for pages and for what a feature puts into another
 * feature's page: the host's chunk then does not pull the guest feature's code. Render it inside
 * <Suspense>. Once its code has arrived (or was preloaded) it renders without suspending.
 */
export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  const fetchCode = async () => (loaded = await load());
  loaders.push(fetchCode);
  const Lazy = lazy(async () => ({ default: await fetchCode() }));
  function LazyComponent(props: P) {
    return createElement(loaded ?? Lazy, props);
  }
  return LazyComponent;
}

/** Loads every lazy component's code now (tests render the whole app without waiting on chunks). */
export async function preloadLazyComponents(): Promise<void> {
  await Promise.all(loaders.map((load) => load()));
}
