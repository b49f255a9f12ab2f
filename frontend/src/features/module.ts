import type { ReactNode } from 'react';
import type { RouteObject } from 'react-router';
import type { CustomerRead, DealRead } from '../api/types';

/** Where a feature's navigation entry goes: top level, the sales group, or administration. */
export type NavPlacement = 'top' | 'sales' | 'admin';

export interface FeatureNavEntry {
  path: string;
  labelKey: string;
  icon: ReactNode;
  permission: string;
  placement: NavPlacement;
  /** Position among the entries of its placement (lower first). */
  order: number;
}

/** A feature's translations: one bundle per language, merged into the app's at start. */
export interface FeatureLocales {
  en: Record<string, unknown>;
  'zh-CN': Record<string, unknown>;
}

/** Something a feature shows on another feature's page; `order` places it (lower first). */
interface SlotEntry {
  key: string;
  order: number;
}

/** A tab on the customer page, shown to holders of `permission`. */
export interface CustomerPanel extends SlotEntry {
  titleKey: string;
  permission: string;
  /** `data-testid` of the tab's label. */
  testId?: string;
  render: (customer: CustomerRead) => ReactNode;
}

/** A button in the customer card's header (it decides itself whom it shows to). */
export interface CustomerAction extends SlotEntry {
  render: (customer: CustomerRead) => ReactNode;
}

/** A tab in the "related" card of the deal page, shown to holders of `permission`. */
export interface DealPanel extends SlotEntry {
  titleKey: string;
  permission: string;
  render: (deal: DealRead) => ReactNode;
}

/** A widget in the signed-in layout's header (global search, the notification bell). */
export interface HeaderWidget extends SlotEntry {
  render: () => ReactNode;
}

/** The places a feature can put something into other features' pages without editing them. */
export interface FeatureSlots {
  customerPanels?: CustomerPanel[];
  customerActions?: CustomerAction[];
  dealPanels?: DealPanel[];
  headerWidgets?: HeaderWidget[];
}

/**
 * What a feature folder contributes to the app, declared in its own `module.tsx`, so features
 * are added without editing the app's route table, navigation, translations or other features'
 * pages: pages inside the signed-in layout (paths relative to "/", lazily loaded through
 * `page()` so each feature is its own chunk), pages outside it (public, such as the customer
 * portal), navigation entries, translations, and what it puts into other features' slots.
 * `name` is the feature's folder; FEATURE_MODULES lists the modules in ladder order.
 */
export interface FeatureModule extends FeatureSlots {
  name: string;
  routes?: RouteObject[];
  publicRoutes?: RouteObject[];
  nav?: FeatureNavEntry[];
  locales?: FeatureLocales;
}
