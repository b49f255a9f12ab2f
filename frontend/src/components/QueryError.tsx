import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { problemMessage, problemOf } from '../lib/problem';

export function QueryError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="error"
      showIcon
      title={t('errors.loadFailed')}
      description={problemMessage(problemOf(error), t)}
      action={onRetry ? <Button size="small" onClick={onRetry}>{t('common.retry')}</Button> : undefined}
    />
  );
}
