import { BranchesOutlined, FunnelPlotOutlined, InboxOutlined } from '@ant-design/icons';
import { guarded } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { LeadDetailPage } from './LeadDetailPage';
import { LeadListPage } from './LeadListPage';
import { LeadPoolPage } from './LeadPoolPage';
import { LeadRulesPage } from './LeadRulesPage';

export const leadsModule: FeatureModule = {
  routes: [
    { path: 'leads', element: guarded('leads:read', <LeadListPage />) },
    { path: 'leads/pool', element: guarded('leads:read', <LeadPoolPage />) },
    { path: 'leads/:id', element: guarded('leads:read', <LeadDetailPage />) },
    { path: 'admin/lead-rules', element: guarded('leads:assign', <LeadRulesPage />) },
  ],
  nav: [
    { path: '/leads', labelKey: 'leads.nav.list', icon: <FunnelPlotOutlined />, permission: 'leads:read', placement: 'sales' },
    { path: '/leads/pool', labelKey: 'leads.nav.pool', icon: <InboxOutlined />, permission: 'leads:read', placement: 'sales' },
    { path: '/admin/lead-rules', labelKey: 'leads.nav.rules', icon: <BranchesOutlined />, permission: 'leads:assign', placement: 'admin' },
  ],
};
