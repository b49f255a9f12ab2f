import type { FeatureModule } from '../module';

export const catalogModule: FeatureModule = {
  routes: [],
  nav: [],
};
