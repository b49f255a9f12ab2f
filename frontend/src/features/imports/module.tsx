import { ImportOutlined } from '@ant-design/icons';
import { page } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { importsLocales } from './locales';

export const importsModule: FeatureModule = {
  name: 'imports',
  locales: importsLocales,
  routes: [
    page('imports', 'customers:import', () => import('./ImportListPage').then((m) => m.ImportListPage)),
    page('imports/new', 'customers:import', () => import('./ImportPage').then((m) => m.ImportPage)),
  ],
  nav: [{ path: '/imports', labelKey: 'imports.nav', icon: <ImportOutlined />, permission: 'customers:import', placement: 'top', order: 40 }],
};
