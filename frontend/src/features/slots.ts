import type { FeatureSlots } from './module';
import { FEATURE_MODULES } from './modules';

type SlotName = keyof FeatureSlots;
type SlotEntries<K extends SlotName> = NonNullable<FeatureSlots[K]>;

/**
 * Everything the feature modules put into one slot, in `order`. Host pages read their slots
 * through this (never by importing the guest features), so a new feature adds a panel to the
 * customer page from its own module.
 */
export function slot<K extends SlotName>(name: K): SlotEntries<K> {
  const entries = FEATURE_MODULES.flatMap((feature) => (feature[name] ?? []) as SlotEntries<K>[number][]);
  return [...entries].sort((a, b) => a.order - b.order) as SlotEntries<K>;
}
