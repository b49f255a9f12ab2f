import { MergeCellsOutlined } from '@ant-design/icons';
import { page } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { duplicatesLocales } from './locales';

export const duplicatesModule: FeatureModule = {
  name: 'duplicates',
  locales: duplicatesLocales,
  routes: [
    page('customers/duplicates', 'customers:read', () => import('./DuplicatesPage').then((m) => m.DuplicatesPage)),
    page('customers/merge', 'customers:merge', () => import('./MergePage').then((m) => m.MergePage)),
  ],
  nav: [{ path: '/customers/duplicates', labelKey: 'duplicates.nav', icon: <MergeCellsOutlined />, permission: 'customers:read', placement: 'top', order: 30 }],
};
