import { FileProtectOutlined, FileTextOutlined } from '@ant-design/icons';
import { page } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { lazyComponent } from '../../lib/lazyComponent';
import { contractsLocales } from './locales';

const DealContracts = lazyComponent(() => import('./DealContracts').then((m) => m.DealContracts));

export const contractsModule: FeatureModule = {
  name: 'contracts',
  locales: contractsLocales,
  routes: [
    page('contracts', 'contracts:read', () => import('./ContractListPage').then((m) => m.ContractListPage)),
    page('contracts/:id', 'contracts:read', () => import('./ContractDetailPage').then((m) => m.ContractDetailPage)),
    // Templates are settings: read with contracts:read, written by administrators (admin:settings).
    page('admin/contract-templates', 'admin:settings', () => import('./TemplatesPage').then((m) => m.TemplatesPage)),
  ],
  nav: [
    { path: '/contracts', labelKey: 'contracts.nav.list', icon: <FileProtectOutlined />, permission: 'contracts:read', placement: 'sales', order: 40 },
    { path: '/admin/contract-templates', labelKey: 'contracts.nav.templates', icon: <FileTextOutlined />, permission: 'admin:settings', placement: 'admin', order: 50 },
  ],
  dealPanels: [{ key: 'contracts', order: 20, titleKey: 'deals.detail.contracts', permission: 'contracts:read', render: (deal) => <DealContracts dealId={deal.id} /> }],
};
