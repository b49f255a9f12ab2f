import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoleRead } from '../../../api/types';
import { QueryError } from '../../../components/QueryError';
import { problemMessage, problemOf } from '../../../lib/problem';
import { useDeleteRole, useRoles } from '../api';
import { RoleFormModal } from './RoleFormModal';

type Editing = { role?: RoleRead } | null;

export function RolesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const roles = useRoles();
  const remove = useDeleteRole();
  const [editing, setEditing] = useState<Editing>(null);

  const onDelete = (role: RoleRead) =>
    remove.mutate(role.id, {
      onSuccess: () => void message.success(t('common.deleted')),
      onError: (error) => void message.error(problemMessage(problemOf(error), t)),
    });

  const columns: ColumnsType<RoleRead> = [
    { title: t('roles.fields.name'), dataIndex: 'name' },
    { title: t('roles.fields.key'), dataIndex: 'key', render: (key: string) => <Typography.Text code>{key}</Typography.Text> },
    { title: t('roles.fields.description'), dataIndex: 'description' },
    {
      title: t('roles.fields.type'),
      dataIndex: 'is_builtin',
      render: (builtin: boolean) => <Tag color={builtin ? 'blue' : 'green'}>{builtin ? t('roles.builtin') : t('roles.custom')}</Tag>,
    },
    {
      title: t('roles.fields.permissions'),
      dataIndex: 'permissions',
      render: (permissions: string[]) => permissions.length,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 150,
      render: (_value, role) => (
        <Space size="small">
          <Button type="link" size="small" onClick={() => setEditing({ role })}>
            {role.is_builtin ? t('common.view') : t('common.edit')}
          </Button>
          {!role.is_builtin && (
            <Popconfirm title={t('common.confirmDelete')} onConfirm={() => onDelete(role)} okText={t('common.yes')} cancelText={t('common.no')}>
              <Button type="link" size="small" danger>
                {t('common.delete')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('roles.title')}</Typography.Title>}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})}>
          {t('roles.new')}
        </Button>
      }
    >
      {roles.isError ? (
        <QueryError error={roles.error} onRetry={() => void roles.refetch()} />
      ) : (
        <Table<RoleRead> rowKey="id" size="small" columns={columns} dataSource={roles.data ?? []} loading={roles.isPending} pagination={false} />
      )}
      {editing && <RoleFormModal role={editing.role} onClose={() => setEditing(null)} />}
    </Card>
  );
}
