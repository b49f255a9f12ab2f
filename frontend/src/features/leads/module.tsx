import { FunnelPlotOutlined, InboxOutlined } from '@ant-design/icons';
import { guarded } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { LeadDetailPage } from './LeadDetailPage';
import { LeadListPage } from './LeadListPage';
import { LeadPoolPage } from './LeadPoolPage';

export const leadsModule: FeatureModule = {
  routes: [
    { path: 'leads', element: guarded('leads:read', <LeadListPage />) },
    { path: 'leads/pool', element: guarded('leads:read', <LeadPoolPage />) },
    { path: 'leads/:id', element: guarded('leads:read', <LeadDetailPage />) },
  ],
  nav: [
    { path: '/leads', labelKey: 'leads.nav.list', icon: <FunnelPlotOutlined />, permission: 'leads:read', placement: 'sales' },
    { path: '/leads/pool', labelKey: 'leads.nav.pool', icon: <InboxOutlined />, permission: 'leads:read', placement: 'sales' },
  ],
};
