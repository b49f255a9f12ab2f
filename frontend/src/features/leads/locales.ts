import type { FeatureLocales } from '../module';

export const leadsLocales: FeatureLocales = {
  en: {},
  'zh-CN': {},
};
