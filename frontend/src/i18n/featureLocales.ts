import { approvalsLocales } from '../features/approvals/locales';
import { catalogLocales } from '../features/catalog/locales';
import { contractsLocales } from '../features/contracts/locales';
import { customerPoolLocales } from '../features/customerpool/locales';
import { dealsLocales } from '../features/deals/locales';
import { fieldPermissionsLocales } from '../features/fieldPermissions/locales';
import { leadsLocales } from '../features/leads/locales';
import { ordersLocales } from '../features/orders/locales';
import type { FeatureLocales } from '../features/module';
import { quotesLocales } from '../features/quotes/locales';

/** Translations that live in feature folders (each under its own top-level key). */
export const FEATURE_LOCALES: FeatureLocales[] = [
  leadsLocales,
  dealsLocales,
  catalogLocales,
  contractsLocales,
  ordersLocales,
  customerPoolLocales,
  quotesLocales,
  approvalsLocales,
  fieldPermissionsLocales,
];

/** The app's bundle for one language with every feature's merged in. */
export function withFeatureLocales(language: keyof FeatureLocales, base: Record<string, unknown>): Record<string, unknown> {
  return FEATURE_LOCALES.reduce((merged, feature) => ({ ...merged, ...feature[language] }), base);
}
