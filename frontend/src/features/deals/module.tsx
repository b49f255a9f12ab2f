import { AppstoreOutlined, DollarOutlined, LineChartOutlined, NodeIndexOutlined } from '@ant-design/icons';
import { page } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { lazyComponent } from '../../lib/lazyComponent';
import { dealsLocales } from './locales';

const CustomerDeals = lazyComponent(() => import('./CustomerDeals').then((m) => m.CustomerDeals));

export const dealsModule: FeatureModule = {
  name: 'deals',
  locales: dealsLocales,
  routes: [
    page('deals', 'deals:read', () => import('./DealListPage').then((m) => m.DealListPage)),
    page('deals/board', 'deals:read', () => import('./DealBoardPage').then((m) => m.DealBoardPage)),
    page('deals/forecast', 'deals:read', () => import('./ForecastPage').then((m) => m.ForecastPage)),
    page('deals/:id', 'deals:read', () => import('./DealDetailPage').then((m) => m.DealDetailPage)),
    // Pipelines are configuration: reading needs deals:read, changing them admin:settings.
    page('admin/pipelines', 'admin:settings', () => import('./PipelinesAdminPage').then((m) => m.PipelinesAdminPage)),
  ],
  nav: [
    { path: '/deals/board', labelKey: 'deals.nav.board', icon: <AppstoreOutlined />, permission: 'deals:read', placement: 'sales', order: 20 },
    { path: '/deals', labelKey: 'deals.nav.list', icon: <DollarOutlined />, permission: 'deals:read', placement: 'sales', order: 21 },
    { path: '/deals/forecast', labelKey: 'deals.nav.forecast', icon: <LineChartOutlined />, permission: 'deals:read', placement: 'sales', order: 22 },
    { path: '/admin/pipelines', labelKey: 'deals.nav.pipelines', icon: <NodeIndexOutlined />, permission: 'admin:settings', placement: 'admin', order: 40 },
  ],
  customerPanels: [
    { key: 'deals', order: 40, titleKey: 'deals.customer.title', permission: 'deals:read', testId: 'tab-deals', render: (customer) => <CustomerDeals customerId={customer.id} /> },
  ],
};
