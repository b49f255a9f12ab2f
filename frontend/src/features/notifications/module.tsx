import { lazyComponent } from '../../lib/lazyComponent';
import type { FeatureModule } from '../module';
import { notificationsLocales } from './locales';

const NotificationBell = lazyComponent(() => import('./NotificationBell').then((m) => m.NotificationBell));

export const notificationsModule: FeatureModule = {
  name: 'notifications',
  locales: notificationsLocales,
  headerWidgets: [{ key: 'notifications', order: 20, render: () => <NotificationBell /> }],
};
