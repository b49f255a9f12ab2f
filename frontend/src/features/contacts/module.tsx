import { ContactsOutlined } from '@ant-design/icons';
import { page } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { contactsLocales } from './locales';

export const contactsModule: FeatureModule = {
  name: 'contacts',
  locales: contactsLocales,
  routes: [page('contacts', 'contacts:read', () => import('./ContactListPage').then((m) => m.ContactListPage))],
  nav: [{ path: '/contacts', labelKey: 'nav.contacts', icon: <ContactsOutlined />, permission: 'contacts:read', placement: 'top', order: 20 }],
};
