import { FormOutlined, TagsOutlined } from '@ant-design/icons';
import { page } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { customFieldsLocales } from './locales';

export const customFieldsModule: FeatureModule = {
  name: 'customfields',
  locales: customFieldsLocales,
  routes: [
    page('admin/custom-fields', 'admin:settings', () => import('./CustomFieldsPage').then((m) => m.CustomFieldsPage)),
    page('admin/tags', 'tags:write', () => import('./TagsPage').then((m) => m.TagsPage)),
  ],
  nav: [
    { path: '/admin/custom-fields', labelKey: 'nav.customFields', icon: <FormOutlined />, permission: 'admin:settings', placement: 'admin', order: 20 },
    { path: '/admin/tags', labelKey: 'nav.tags', icon: <TagsOutlined />, permission: 'tags:write', placement: 'admin', order: 21 },
  ],
};
