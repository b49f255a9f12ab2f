import type { FeatureLocales } from '../module';

export const contractsLocales: FeatureLocales = {
  en: {},
  'zh-CN': {},
};
