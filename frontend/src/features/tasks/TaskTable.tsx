import { CheckOutlined } from '@ant-design/icons';
import { App, Button, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { TaskRead } from '../../api/types';
import { problemMessage, problemOf } from '../../lib/problem';
import { useAuth } from '../auth/AuthContext';
import { useCompleteTask } from './api';

const PRIORITY_COLORS: Record<TaskRead['priority'], string | undefined> = {
  low: undefined,
  normal: 'blue',
  high: 'orange',
  urgent: 'red',
};

/** Tasks with their due time, priority and status, and a "complete" button on open ones. */
export function TaskTable({ tasks, loading, testId }: { tasks: TaskRead[]; loading: boolean; testId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const complete = useCompleteTask();
  const onComplete = (task: TaskRead) =>
    complete.mutate(task, {
      onSuccess: (result) =>
        void message.success(result.next ? t('tasks.completedNext', { due: dayjs(result.next.due_at).format('YYYY-MM-DD HH:mm') }) : t('tasks.completed')),
      onError: (error) => void message.error(problemMessage(problemOf(error), t)),
    });

  const columns: ColumnsType<TaskRead> = [
    { title: t('tasks.fields.title'), dataIndex: 'title', render: (title: string, task) => (task.recurrence ? `${title} ↻` : title) },
    {
      title: t('tasks.fields.dueAt'),
      dataIndex: 'due_at',
      width: 160,
      render: (due: string | null) => (due ? dayjs(due).format('YYYY-MM-DD HH:mm') : '—'),
    },
    {
      title: t('tasks.fields.priority'),
      dataIndex: 'priority',
      width: 100,
      render: (priority: TaskRead['priority']) => <Tag color={PRIORITY_COLORS[priority]}>{t(`tasks.priority.${priority}`)}</Tag>,
    },
    { title: t('tasks.fields.status'), dataIndex: 'status', width: 100, render: (status: string) => t(`tasks.status.${status}`) },
  ];
  if (can('tasks:write')) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 120,
      render: (_value, task) =>
        task.status === 'open' && (
          <Button size="small" icon={<CheckOutlined />} onClick={() => onComplete(task)} loading={complete.isPending && complete.variables?.id === task.id} data-testid="complete-task">
            {t('tasks.complete')}
          </Button>
        ),
    });
  }
  return (
    <Table<TaskRead>
      data-testid={testId}
      rowKey="id"
      size="small"
      pagination={false}
      loading={loading}
      columns={columns}
      dataSource={tasks}
      locale={{ emptyText: t('tasks.empty') }}
    />
  );
}
