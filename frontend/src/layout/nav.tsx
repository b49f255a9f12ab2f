import { DollarOutlined, SettingOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { NavPlacement } from '../features/module';
import { FEATURE_MODULES } from '../features/modules';

export interface NavEntry {
  path: string;
  labelKey: string;
  icon: ReactNode;
  permission: string;
}

export interface NavGroup {
  key: string;
  labelKey: string;
  icon: ReactNode;
  children: NavEntry[];
}

export type NavItem = NavEntry | NavGroup;

/** The navigation entries feature modules declare for one place in the menu, in their order. */
function featureEntries(placement: NavPlacement): NavEntry[] {
  return FEATURE_MODULES.flatMap((feature) => feature.nav ?? [])
    .filter((entry) => entry.placement === placement)
    .sort((a, b) => a.order - b.order)
    .map(({ path, labelKey, icon, permission }) => ({ path, labelKey, icon, permission }));
}

/** The menu: top-level entries, then the sales and administration groups, all from the feature modules. */
export const NAVIGATION: NavItem[] = [
  ...featureEntries('top'),
  { key: 'sales', labelKey: 'nav.sales', icon: <DollarOutlined />, children: featureEntries('sales') },
  { key: 'admin', labelKey: 'nav.admin', icon: <SettingOutlined />, children: featureEntries('admin') },
];

/** The navigation a user may see: entries they hold the permission for, groups with at least one entry. */
export function visibleNavigation(can: (permission: string) => boolean, items: NavItem[] = NAVIGATION): NavItem[] {
  const visible: NavItem[] = [];
  for (const item of items) {
    if ('children' in item) {
      const children = item.children.filter((child) => can(child.permission));
      if (children.length > 0) visible.push({ ...item, children });
    } else if (can(item.permission)) {
      visible.push(item);
    }
  }
  return visible;
}

/** The first page a user may open (where "/" leads). */
export function homePath(can: (permission: string) => boolean): string | null {
  for (const item of visibleNavigation(can)) {
    if ('children' in item) return item.children[0].path;
    return item.path;
  }
  return null;
}
