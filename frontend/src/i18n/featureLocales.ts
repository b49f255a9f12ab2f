import type { FeatureLocales } from '../features/module';
import { FEATURE_MODULES } from '../features/modules';

/** The app's bundle for one language with every feature module's translations merged in. */
export function withFeatureLocales(language: keyof FeatureLocales, base: Record<string, unknown>): Record<string, unknown> {
  return FEATURE_MODULES.reduce((merged, feature) => ({ ...merged, ...feature.locales?.[language] }), base);
}
