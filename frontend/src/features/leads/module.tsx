import { FunnelPlotOutlined } from '@ant-design/icons';
import { guarded } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { LeadListPage } from './LeadListPage';

export const leadsModule: FeatureModule = {
  routes: [
    { path: 'leads', element: guarded('leads:read', <LeadListPage />) },
  ],
  nav: [
    { path: '/leads', labelKey: 'leads.nav.list', icon: <FunnelPlotOutlined />, permission: 'leads:read', placement: 'sales' },
  ],
};
