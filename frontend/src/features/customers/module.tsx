import { TeamOutlined } from '@ant-design/icons';
import { lazyComponent } from '../../lib/lazyComponent';
import { page } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { customersLocales } from './locales';

const CustomerContacts = lazyComponent(() => import('./CustomerContacts').then((m) => m.CustomerContacts));

export const customersModule: FeatureModule = {
  name: 'customers',
  locales: customersLocales,
  routes: [
    page('customers', 'customers:read', () => import('./CustomerListPage').then((m) => m.CustomerListPage)),
    page('customers/new', 'customers:write', () => import('./CustomerFormPage').then((m) => m.NewCustomerPage)),
    page('customers/:id', 'customers:read', () => import('./CustomerDetailPage').then((m) => m.CustomerDetailPage)),
    page('customers/:id/edit', 'customers:write', () => import('./CustomerFormPage').then((m) => m.EditCustomerPage)),
  ],
  nav: [{ path: '/customers', labelKey: 'nav.customers', icon: <TeamOutlined />, permission: 'customers:read', placement: 'top', order: 10 }],
  customerPanels: [
    { key: 'contacts', order: 10, titleKey: 'contacts.title', permission: 'contacts:read', render: (customer) => <CustomerContacts customerId={customer.id} /> },
  ],
};
