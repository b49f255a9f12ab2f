import type { ComponentType, ReactNode } from 'react';
import type { RouteObject } from 'react-router';
import { RequirePermission } from './RequireAuth';

/** A page shown only to users holding `permission` (others get "not found"). */
export const guarded = (permission: string, element: ReactNode) => <RequirePermission permission={permission}>{element}</RequirePermission>;

/**
 * A route whose page is loaded on first visit (its own chunk), shown only to holders of
 * `permission`; `null` lets every signed-in user (or, on a public route, anyone) in.
 */
export function page(path: string, permission: string | null, load: () => Promise<ComponentType>): RouteObject {
  return {
    path,
    lazy: async () => {
      const Page = await load();
      return { element: permission ? guarded(permission, <Page />) : <Page /> };
    },
  };
}
