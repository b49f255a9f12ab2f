import { EyeInvisibleOutlined } from '@ant-design/icons';
import { page } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { fieldPermissionsLocales } from './locales';

export const fieldPermissionsModule: FeatureModule = {
  name: 'fieldPermissions',
  locales: fieldPermissionsLocales,
  routes: [
    page('admin/field-permissions', 'admin:roles', () => import('./FieldPermissionsPage').then((m) => m.FieldPermissionsPage)),
  ],
  nav: [
    { path: '/admin/field-permissions', labelKey: 'fieldPermissions.nav', icon: <EyeInvisibleOutlined />, permission: 'admin:roles', placement: 'admin', order: 13 },
  ],
};
