import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { toSupportedLanguage, type Language } from '../i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <Segmented<Language>
      data-testid="language-switch"
      size="small"
      aria-label={t('language.label')}
      value={toSupportedLanguage(i18n.resolvedLanguage ?? i18n.language)}
      options={[
        { label: t('language.en'), value: 'en' },
        { label: t('language.zh'), value: 'zh-CN' },
      ]}
      onChange={(language) => void i18n.changeLanguage(language)}
    />
  );
}
