import { ControlOutlined, TeamOutlined } from '@ant-design/icons';
import { page } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { lazyComponent } from '../../lib/lazyComponent';
import { customerPoolLocales } from './locales';

const ReleaseToPoolButton = lazyComponent(() => import('./ReleaseToPoolButton').then((m) => m.ReleaseToPoolButton));

export const customerPoolModule: FeatureModule = {
  name: 'customerpool',
  locales: customerPoolLocales,
  routes: [
    page('customer-pool', 'customers:read', () => import('./CustomerPoolPage').then((m) => m.CustomerPoolPage)),
    page('admin/customer-pool', 'admin:settings', () => import('./PoolAdminPage').then((m) => m.PoolAdminPage)),
  ],
  nav: [
    { path: '/customer-pool', labelKey: 'customerPool.nav.pool', icon: <TeamOutlined />, permission: 'customers:read', placement: 'sales', order: 60 },
    { path: '/admin/customer-pool', labelKey: 'customerPool.nav.admin', icon: <ControlOutlined />, permission: 'admin:settings', placement: 'admin', order: 60 },
  ],
  // The button shows itself only to those who may release this customer.
  customerActions: [{ key: 'release-to-pool', order: 10, render: (customer) => <ReleaseToPoolButton customer={customer} /> }],
};
