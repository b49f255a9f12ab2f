import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { problemMessage } from '../lib/problem';
import type { ServerErrorState } from '../lib/useServerErrors';

interface FormProblemProps {
  error: ServerErrorState | null;
  /** Offered on 412: reload the record and edit again. */
  onReload?: () => void;
}

/** The banner above a form for server errors that belong to no single field. */
export function FormProblem({ error, onReload }: FormProblemProps) {
  const { t } = useTranslation();
  if (!error) return null;
  const { problem, unmatched } = error;
  const stale = problem.status === 412;
  return (
    <Alert
      data-testid={stale ? 'stale-record' : 'form-error'}
      type={stale ? 'warning' : 'error'}
      showIcon
      style={{ marginBottom: 16 }}
      title={problemMessage(problem, t)}
      description={
        unmatched.length > 0 ? (
          <ul style={{ margin: 0, paddingLeft: 20 }}>
            {unmatched.map((item, index) => (
              <li key={index}>
                {item.loc.filter((part) => part !== 'body').join('.')}
                {item.loc.length > 1 ? ': ' : ''}
                {item.msg}
              </li>
            ))}
          </ul>
        ) : undefined
      }
      action={
        stale && onReload ? (
          <Button size="small" onClick={onReload} data-testid="reload-record">
            {t('common.reload')}
          </Button>
        ) : undefined
      }
    />
  );
}
