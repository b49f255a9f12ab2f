import { AppstoreOutlined, DollarOutlined, LineChartOutlined, NodeIndexOutlined } from '@ant-design/icons';
import { guarded } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { DealBoardPage } from './DealBoardPage';
import { DealDetailPage } from './DealDetailPage';
import { DealListPage } from './DealListPage';
import { ForecastPage } from './ForecastPage';
import { PipelinesAdminPage } from './PipelinesAdminPage';

export const dealsModule: FeatureModule = {
  routes: [
    { path: 'deals', element: guarded('deals:read', <DealListPage />) },
    { path: 'deals/board', element: guarded('deals:read', <DealBoardPage />) },
    { path: 'deals/forecast', element: guarded('deals:read', <ForecastPage />) },
    { path: 'deals/:id', element: guarded('deals:read', <DealDetailPage />) },
    // Pipelines are configuration: reading needs deals:read, changing them admin:settings.
    { path: 'admin/pipelines', element: guarded('admin:settings', <PipelinesAdminPage />) },
  ],
  nav: [
    { path: '/deals/board', labelKey: 'deals.nav.board', icon: <AppstoreOutlined />, permission: 'deals:read', placement: 'sales' },
    { path: '/deals', labelKey: 'deals.nav.list', icon: <DollarOutlined />, permission: 'deals:read', placement: 'sales' },
    { path: '/deals/forecast', labelKey: 'deals.nav.forecast', icon: <LineChartOutlined />, permission: 'deals:read', placement: 'sales' },
    { path: '/admin/pipelines', labelKey: 'deals.nav.pipelines', icon: <NodeIndexOutlined />, permission: 'admin:settings', placement: 'admin' },
  ],
};
