import { FileProtectOutlined, FileTextOutlined } from '@ant-design/icons';
import { guarded } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { ContractDetailPage } from './ContractDetailPage';
import { ContractListPage } from './ContractListPage';
import { TemplatesPage } from './TemplatesPage';

export const contractsModule: FeatureModule = {
  routes: [
    { path: 'contracts', element: guarded('contracts:read', <ContractListPage />) },
    { path: 'contracts/:id', element: guarded('contracts:read', <ContractDetailPage />) },
    // Templates are settings: read with contracts:read, written by administrators (admin:settings).
    { path: 'admin/contract-templates', element: guarded('admin:settings', <TemplatesPage />) },
  ],
  nav: [
    { path: '/contracts', labelKey: 'contracts.nav.list', icon: <FileProtectOutlined />, permission: 'contracts:read', placement: 'sales' },
    { path: '/admin/contract-templates', labelKey: 'contracts.nav.templates', icon: <FileTextOutlined />, permission: 'admin:settings', placement: 'admin' },
  ],
};
