import { PlusOutlined } from '@ant-design/icons';
import { Button, Card } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { useAuth } from '../auth/AuthContext';
import { useCustomerTasks } from './api';
import { TaskFormModal } from './TaskFormModal';
import { TaskTable } from './TaskTable';

/** The tasks about one customer, with "new task". */
export function CustomerTasks({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const tasks = useCustomerTasks(customerId);
  const [creating, setCreating] = useState(false);
  return (
    <Card
      size="small"
      title={t('tasks.title')}
      extra={
        can('tasks:write') && (
          <Button size="small" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-task">
            {t('tasks.new')}
          </Button>
        )
      }
    >
      {tasks.isError ? (
        <QueryError error={tasks.error} onRetry={() => void tasks.refetch()} />
      ) : (
        <>
          <TaskTable tasks={tasks.rows} loading={tasks.loading} testId="customer-tasks" />
          <LoadMore shown={tasks.rows.length} total={null} hasMore={tasks.hasNextPage} loading={tasks.isFetchingNextPage} onLoadMore={() => void tasks.fetchNextPage()} />
        </>
      )}
      {creating && <TaskFormModal customerId={customerId} onClose={() => setCreating(false)} />}
    </Card>
  );
}
