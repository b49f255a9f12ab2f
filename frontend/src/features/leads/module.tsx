import type { FeatureModule } from '../module';

export const leadsModule: FeatureModule = {
  routes: [],
  nav: [],
};
