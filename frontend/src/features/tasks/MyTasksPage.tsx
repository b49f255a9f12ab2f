import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { useAuth } from '../auth/AuthContext';
import { useMyTasks, type MyTasksView } from './api';
import { TaskFormModal } from './TaskFormModal';
import { TaskTable } from './TaskTable';

const VIEWS: MyTasksView[] = ['today', 'overdue', 'upcoming'];

function MyTasksList({ view }: { view: MyTasksView }) {
  const tasks = useMyTasks(view);
  if (tasks.isError) return <QueryError error={tasks.error} onRetry={() => void tasks.refetch()} />;
  return (
    <>
      <TaskTable tasks={tasks.rows} loading={tasks.loading} testId={`my-tasks-${view}`} />
      <LoadMore shown={tasks.rows.length} total={null} hasMore={tasks.hasNextPage} loading={tasks.isFetchingNextPage} onLoadMore={() => void tasks.fetchNextPage()} />
    </>
  );
}

/** The caller's open tasks: due today, overdue, upcoming (by calendar day in the browser's zone). */
export function MyTasksPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [view, setView] = useState<MyTasksView>('today');
  const [creating, setCreating] = useState(false);
  return (
    <Card
      title={t('tasks.mine')}
      extra={
        can('tasks:write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-task">
            {t('tasks.new')}
          </Button>
        )
      }
    >
      <Tabs
        activeKey={view}
        onChange={(key) => setView(key as MyTasksView)}
        destroyOnHidden
        items={VIEWS.map((key) => ({ key, label: <span data-testid={`tab-${key}`}>{t(`tasks.views.${key}`)}</span>, children: <MyTasksList view={key} /> }))}
      />
      {creating && <TaskFormModal onClose={() => setCreating(false)} />}
    </Card>
  );
}
