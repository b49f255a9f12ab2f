import type { FeatureModule } from '../module';
import { exportsLocales } from './locales';

/** Exports have no page of their own: other features put the ExportButton on their lists. */
export const exportsModule: FeatureModule = {
  name: 'exports',
  locales: exportsLocales,
};
