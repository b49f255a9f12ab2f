import { EyeInvisibleOutlined } from '@ant-design/icons';
import { guarded } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { FieldPermissionsPage } from './FieldPermissionsPage';

export const fieldPermissionsModule: FeatureModule = {
  routes: [{ path: 'admin/field-permissions', element: guarded('admin:roles', <FieldPermissionsPage />) }],
  nav: [
    { path: '/admin/field-permissions', labelKey: 'fieldPermissions.nav', icon: <EyeInvisibleOutlined />, permission: 'admin:roles', placement: 'admin' },
  ],
};
