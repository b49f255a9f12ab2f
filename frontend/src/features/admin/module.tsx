import { ApartmentOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { page } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { adminLocales } from './locales';

export const adminModule: FeatureModule = {
  name: 'admin',
  locales: adminLocales,
  routes: [
    page('admin/users', 'admin:users', () => import('./users/UsersPage').then((m) => m.UsersPage)),
    page('admin/departments', 'admin:departments', () => import('./departments/DepartmentsPage').then((m) => m.DepartmentsPage)),
    page('admin/roles', 'admin:roles', () => import('./roles/RolesPage').then((m) => m.RolesPage)),
  ],
  nav: [
    { path: '/admin/users', labelKey: 'nav.users', icon: <UserOutlined />, permission: 'admin:users', placement: 'admin', order: 10 },
    { path: '/admin/departments', labelKey: 'nav.departments', icon: <ApartmentOutlined />, permission: 'admin:departments', placement: 'admin', order: 11 },
    { path: '/admin/roles', labelKey: 'nav.roles', icon: <SafetyOutlined />, permission: 'admin:roles', placement: 'admin', order: 12 },
  ],
};
