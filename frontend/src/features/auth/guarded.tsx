import { Spin } from 'antd';
import { Suspense, type ComponentType, type ReactNode } from 'react';
import type { RouteObject } from 'react-router';
import { lazyComponent } from '../../lib/lazyComponent';
import { RequirePermission } from './RequireAuth';

/** A page shown only to users holding `permission` (others get "not found"). */
export const guarded = (permission: string, element: ReactNode) => <RequirePermission permission={permission}>{element}</RequirePermission>;

const loading = <Spin style={{ display: 'block', margin: '64px auto' }} />;

/**
 * A route whose page is loaded on first visit (its own chunk), shown only to holders of
 * `permission`; `null` lets every signed-in user (or, on a public route, anyone) in.
 */
export function page(path: string, permission: string | null, load: () => Promise<ComponentType>): RouteObject {
  const Page = lazyComponent(load);
  const element = (
    <Suspense fallback={loading}>
      <Page />
    </Suspense>
  );
  return { path, element: permission ? guarded(permission, element) : element };
}
