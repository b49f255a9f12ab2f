import type { FeatureModule } from '../module';
import { authLocales } from './locales';

/** Sign-in: the login page itself stays in the first chunk (routes.tsx), the strings come from here. */
export const authModule: FeatureModule = {
  name: 'auth',
  locales: authLocales,
};
