import type { FeatureLocales } from '../module';

export const dealsLocales: FeatureLocales = {
  en: {},
  'zh-CN': {},
};
