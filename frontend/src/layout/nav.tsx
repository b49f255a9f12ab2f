import { ApartmentOutlined, DollarOutlined, CheckSquareOutlined, ContactsOutlined, FormOutlined, ImportOutlined, MergeCellsOutlined, SafetyOutlined, SettingOutlined, TagsOutlined, TeamOutlined, UserOutlined } from '@ant-design/icons';
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

/** The navigation entries feature modules declare for one place in the menu. */
function featureEntries(placement: NavPlacement): NavEntry[] {
  return FEATURE_MODULES.flatMap((feature) => feature.nav)
    .filter((entry) => entry.placement === placement)
    .map(({ path, labelKey, icon, permission }) => ({ path, labelKey, icon, permission }));
}

export const NAVIGATION: NavItem[] = [
  { path: '/customers', labelKey: 'nav.customers', icon: <TeamOutlined />, permission: 'customers:read' },
  { path: '/contacts', labelKey: 'nav.contacts', icon: <ContactsOutlined />, permission: 'contacts:read' },
  { path: '/customers/duplicates', labelKey: 'duplicates.nav', icon: <MergeCellsOutlined />, permission: 'customers:read' },
  { path: '/imports', labelKey: 'imports.nav', icon: <ImportOutlined />, permission: 'customers:import' },
  { path: '/tasks', labelKey: 'nav.myTasks', icon: <CheckSquareOutlined />, permission: 'tasks:read' },
  ...featureEntries('top'),
  { key: 'sales', labelKey: 'nav.sales', icon: <DollarOutlined />, children: featureEntries('sales') },
  {
    key: 'admin',
    labelKey: 'nav.admin',
    icon: <SettingOutlined />,
    children: [
      { path: '/admin/users', labelKey: 'nav.users', icon: <UserOutlined />, permission: 'admin:users' },
      { path: '/admin/departments', labelKey: 'nav.departments', icon: <ApartmentOutlined />, permission: 'admin:departments' },
      { path: '/admin/roles', labelKey: 'nav.roles', icon: <SafetyOutlined />, permission: 'admin:roles' },
      { path: '/admin/custom-fields', labelKey: 'nav.customFields', icon: <FormOutlined />, permission: 'admin:settings' },
      { path: '/admin/tags', labelKey: 'nav.tags', icon: <TagsOutlined />, permission: 'tags:write' },
      ...featureEntries('admin'),
    ],
  },
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
