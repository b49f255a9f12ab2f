import { AccountBookOutlined, ShoppingCartOutlined } from '@ant-design/icons';
import { page } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { ordersLocales } from './locales';

// Orders use the contracts permissions (contracts:read / contracts:write).
export const ordersModule: FeatureModule = {
  name: 'orders',
  locales: ordersLocales,
  routes: [
    page('orders', 'contracts:read', () => import('./OrderListPage').then((m) => m.OrderListPage)),
    page('orders/:id', 'contracts:read', () => import('./OrderDetailPage').then((m) => m.OrderDetailPage)),
    page('reports/receivables', 'contracts:read', () => import('./ReceivablesPage').then((m) => m.ReceivablesPage)),
  ],
  publicRoutes: [page('/portal/orders/:token', null, () => import('./PortalOrderPage').then((m) => m.PortalOrderPage))],
  nav: [
    { path: '/orders', labelKey: 'orders.nav.list', icon: <ShoppingCartOutlined />, permission: 'contracts:read', placement: 'sales', order: 50 },
    { path: '/reports/receivables', labelKey: 'orders.nav.receivables', icon: <AccountBookOutlined />, permission: 'contracts:read', placement: 'sales', order: 51 },
  ],
};
