import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import i18n from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import en from './locales/en';
import zhCN from './locales/zh-CN';
import { enumLocales } from '../lib/enumLocales';
import { withFeatureLocales } from './featureLocales';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_STORAGE_KEY = 'crm.language';

/** Maps any browser language tag onto one the SPA ships ("zh", "zh-TW" → "zh-CN"). */
export function toSupportedLanguage(tag: string | undefined): Language {
  return tag?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function syncDayjs(language: string): void {
  dayjs.locale(toSupportedLanguage(language) === 'zh-CN' ? 'zh-cn' : 'en');
  if (typeof document !== 'undefined') document.documentElement.lang = toSupportedLanguage(language);
}

i18n.on('languageChanged', syncDayjs);

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources: {
      en: { translation: withFeatureLocales('en', { ...en, ...enumLocales.en }) },
      'zh-CN': { translation: withFeatureLocales('zh-CN', { ...zhCN, ...enumLocales['zh-CN'] }) },
    },
    supportedLngs: [...LANGUAGES],
    fallbackLng: 'en',
    load: 'currentOnly',
    interpolation: { escapeValue: false },
    detection: {
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: LANGUAGE_STORAGE_KEY,
      caches: ['localStorage'],
      convertDetectedLanguage: toSupportedLanguage,
    },
  });

export default i18n;
