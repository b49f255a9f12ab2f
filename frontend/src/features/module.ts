import type { ReactNode } from 'react';
import type { RouteObject } from 'react-router';

/** Where a feature's navigation entry goes: top level, the sales group, or administration. */
export type NavPlacement = 'top' | 'sales' | 'admin';

export interface FeatureNavEntry {
  path: string;
  labelKey: string;
  icon: ReactNode;
  permission: string;
  placement: NavPlacement;
}

/**
 * What a feature folder contributes to the app, declared in its own `module.tsx`, so features
 * are added without editing the app's route table or navigation: pages inside the signed-in
 * layout (paths relative to "/", each guarded by `guarded(permission, page)`), pages outside it
 * (public, such as the customer portal) and navigation entries. Its translations live next to it
 * in `locales.ts` (see i18n/featureLocales.ts).
 */
export interface FeatureModule {
  routes: RouteObject[];
  publicRoutes?: RouteObject[];
  nav: FeatureNavEntry[];
}

/** A feature's translations: one bundle per language, merged into the app's at start. */
export interface FeatureLocales {
  en: Record<string, unknown>;
  'zh-CN': Record<string, unknown>;
}
