import type { FeatureModule } from '../module';

export const dealsModule: FeatureModule = {
  routes: [],
  nav: [],
};
