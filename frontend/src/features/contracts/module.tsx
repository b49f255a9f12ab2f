import type { FeatureModule } from '../module';

export const contractsModule: FeatureModule = {
  routes: [],
  nav: [],
};
