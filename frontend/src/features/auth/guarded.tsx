import type { ReactNode } from 'react';
import { RequirePermission } from './RequireAuth';

/** A page shown only to users holding `permission` (others get "not found"). */
export const guarded = (permission: string, element: ReactNode) => <RequirePermission permission={permission}>{element}</RequirePermission>;
