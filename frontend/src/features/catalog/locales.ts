import type { FeatureLocales } from '../module';

export const catalogLocales: FeatureLocales = {
  en: {},
  'zh-CN': {},
};
