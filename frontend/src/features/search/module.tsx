import { lazyComponent } from '../../lib/lazyComponent';
import type { FeatureModule } from '../module';
import { searchLocales } from './locales';

const GlobalSearch = lazyComponent(() => import('./GlobalSearch').then((m) => m.GlobalSearch));

export const searchModule: FeatureModule = {
  name: 'search',
  locales: searchLocales,
  headerWidgets: [{ key: 'search', order: 10, render: () => <GlobalSearch /> }],
};
