import { CheckSquareOutlined } from '@ant-design/icons';
import { lazyComponent } from '../../lib/lazyComponent';
import { page } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { tasksLocales } from './locales';

const CustomerTasks = lazyComponent(() => import('./CustomerTasks').then((m) => m.CustomerTasks));

export const tasksModule: FeatureModule = {
  name: 'tasks',
  locales: tasksLocales,
  routes: [page('tasks', 'tasks:read', () => import('./MyTasksPage').then((m) => m.MyTasksPage))],
  nav: [{ path: '/tasks', labelKey: 'nav.myTasks', icon: <CheckSquareOutlined />, permission: 'tasks:read', placement: 'top', order: 50 }],
  customerPanels: [
    { key: 'tasks', order: 30, titleKey: 'tasks.title', permission: 'tasks:read', testId: 'tab-tasks', render: (customer) => <CustomerTasks customerId={customer.id} /> },
  ],
};
