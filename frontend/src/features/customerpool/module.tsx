import { ControlOutlined, TeamOutlined } from '@ant-design/icons';
import { guarded } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { CustomerPoolPage } from './CustomerPoolPage';
import { PoolAdminPage } from './PoolAdminPage';

export const customerPoolModule: FeatureModule = {
  routes: [
    { path: 'customer-pool', element: guarded('customers:read', <CustomerPoolPage />) },
    { path: 'admin/customer-pool', element: guarded('admin:settings', <PoolAdminPage />) },
  ],
  nav: [
    { path: '/customer-pool', labelKey: 'customerPool.nav.pool', icon: <TeamOutlined />, permission: 'customers:read', placement: 'sales' },
    { path: '/admin/customer-pool', labelKey: 'customerPool.nav.admin', icon: <ControlOutlined />, permission: 'admin:settings', placement: 'admin' },
  ],
};
