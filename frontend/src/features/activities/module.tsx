import { lazyComponent } from '../../lib/lazyComponent';
import type { FeatureModule } from '../module';
import { activitiesLocales } from './locales';

const CustomerTimeline = lazyComponent(() => import('./CustomerTimeline').then((m) => m.CustomerTimeline));

export const activitiesModule: FeatureModule = {
  name: 'activities',
  locales: activitiesLocales,
  customerPanels: [
    {
      key: 'timeline',
      order: 20,
      titleKey: 'timeline.title',
      permission: 'activities:read',
      testId: 'tab-timeline',
      render: (customer) => <CustomerTimeline customerId={customer.id} />,
    },
  ],
};
