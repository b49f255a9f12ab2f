import { AccountBookOutlined, ShoppingCartOutlined } from '@ant-design/icons';
import { guarded } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { OrderDetailPage } from './OrderDetailPage';
import { OrderListPage } from './OrderListPage';
import { PortalOrderPage } from './PortalOrderPage';
import { ReceivablesPage } from './ReceivablesPage';

// Orders use the contracts permissions (contracts:read / contracts:write).
export const ordersModule: FeatureModule = {
  routes: [
    { path: 'orders', element: guarded('contracts:read', <OrderListPage />) },
    { path: 'orders/:id', element: guarded('contracts:read', <OrderDetailPage />) },
    { path: 'reports/receivables', element: guarded('contracts:read', <ReceivablesPage />) },
  ],
  publicRoutes: [{ path: '/portal/orders/:token', element: <PortalOrderPage /> }],
  nav: [
    { path: '/orders', labelKey: 'orders.nav.list', icon: <ShoppingCartOutlined />, permission: 'contracts:read', placement: 'sales' },
    { path: '/reports/receivables', labelKey: 'orders.nav.receivables', icon: <AccountBookOutlined />, permission: 'contracts:read', placement: 'sales' },
  ],
};
