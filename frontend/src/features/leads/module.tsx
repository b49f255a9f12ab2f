import { BranchesOutlined, FunnelPlotOutlined, InboxOutlined } from '@ant-design/icons';
import { page } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { leadsLocales } from './locales';

export const leadsModule: FeatureModule = {
  name: 'leads',
  locales: leadsLocales,
  routes: [
    page('leads', 'leads:read', () => import('./LeadListPage').then((m) => m.LeadListPage)),
    page('leads/pool', 'leads:read', () => import('./LeadPoolPage').then((m) => m.LeadPoolPage)),
    page('leads/:id', 'leads:read', () => import('./LeadDetailPage').then((m) => m.LeadDetailPage)),
    page('admin/lead-rules', 'leads:assign', () => import('./LeadRulesPage').then((m) => m.LeadRulesPage)),
  ],
  nav: [
    { path: '/leads', labelKey: 'leads.nav.list', icon: <FunnelPlotOutlined />, permission: 'leads:read', placement: 'sales', order: 10 },
    { path: '/leads/pool', labelKey: 'leads.nav.pool', icon: <InboxOutlined />, permission: 'leads:read', placement: 'sales', order: 11 },
    { path: '/admin/lead-rules', labelKey: 'leads.nav.rules', icon: <BranchesOutlined />, permission: 'leads:assign', placement: 'admin', order: 30 },
  ],
};
