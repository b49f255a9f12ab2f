import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Input, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserRead } from '../../../api/types';
import { LoadMore } from '../../../components/LoadMore';
import { QueryError } from '../../../components/QueryError';
import { problemMessage, problemOf } from '../../../lib/problem';
import { useDepartments, useSaveUser, useUserList } from '../api';
import { UserFormModal } from './UserFormModal';

type Editing = { user?: UserRead } | null;

export function UsersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [q, setQ] = useState<string>();
  const [editing, setEditing] = useState<Editing>(null);
  const list = useUserList(q);
  const departments = useDepartments();
  const save = useSaveUser();
  const departmentName = useMemo(
    () => new Map((departments.data ?? []).map((department) => [department.id, department.name])),
    [departments.data],
  );

  const setActive = (user: UserRead, isActive: boolean) =>
    save.mutate(
      { id: user.id, body: { is_active: isActive, version: user.version } },
      {
        onSuccess: () => void message.success(t('common.saved')),
        onError: (error) => void message.error(problemMessage(problemOf(error), t)),
      },
    );

  const columns: ColumnsType<UserRead> = [
    { title: t('users.fields.fullName'), dataIndex: 'full_name' },
    { title: t('users.fields.email'), dataIndex: 'email' },
    { title: t('users.fields.phone'), dataIndex: 'phone' },
    {
      title: t('users.fields.department'),
      dataIndex: 'department_id',
      render: (id: string | null) => (id ? departmentName.get(id) : null),
    },
    {
      title: t('users.fields.roles'),
      dataIndex: 'roles',
      render: (roles: UserRead['roles']) => roles.map((role) => <Tag key={role.id}>{role.name}</Tag>),
    },
    {
      title: t('users.fields.status'),
      dataIndex: 'is_active',
      render: (active: boolean) => <Tag color={active ? 'green' : 'default'}>{active ? t('users.active') : t('users.inactive')}</Tag>,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 170,
      render: (_value, user) => (
        <Space size="small">
          <Button type="link" size="small" onClick={() => setEditing({ user })}>
            {t('common.edit')}
          </Button>
          {user.is_active ? (
            <Popconfirm title={t('users.confirmDeactivate')} onConfirm={() => setActive(user, false)} okText={t('common.yes')} cancelText={t('common.no')}>
              <Button type="link" size="small" danger>
                {t('users.deactivate')}
              </Button>
            </Popconfirm>
          ) : (
            <Button type="link" size="small" onClick={() => setActive(user, true)}>
              {t('users.activate')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('users.title')}</Typography.Title>}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})} data-testid="new-user">
          {t('users.new')}
        </Button>
      }
    >
      <Input.Search allowClear style={{ width: 280, marginBottom: 12 }} placeholder={t('common.search')} onSearch={(value) => setQ(value.trim() || undefined)} />
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Table<UserRead> rowKey="id" size="small" columns={columns} dataSource={list.rows} loading={list.loading} pagination={false} />
          <LoadMore
            shown={list.rows.length}
            total={list.total}
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoadMore={() => void list.fetchNextPage()}
          />
        </>
      )}
      {editing && <UserFormModal user={editing.user} onClose={() => setEditing(null)} />}
    </Card>
  );
}
