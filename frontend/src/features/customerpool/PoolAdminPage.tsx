import { DeleteOutlined, EditOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Flex, Form, Input, InputNumber, Popconfirm, Select, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OwnershipCaps, PoolPolicyRead } from '../../api/types';
import { FormProblem } from '../../components/FormProblem';
import { QueryError } from '../../components/QueryError';
import { problemMessage, problemOf } from '../../lib/problem';
import { useServerErrors } from '../../lib/useServerErrors';
import { useRoles } from '../admin/api';
import { useAuth } from '../auth/AuthContext';
import { useDeletePolicy, useOwnershipCaps, usePoolPolicies, useSaveCaps } from './api';
import { PolicyFormModal } from './PolicyFormModal';

/** When customers return to the pool, per level. */
function PoliciesCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const policies = usePoolPolicies();
  const remove = useDeletePolicy();
  const [editing, setEditing] = useState<PoolPolicyRead | 'new' | null>(null);
  const days = (value: number | null) => (value == null ? <Typography.Text type="secondary">{t('customerPool.policies.off')}</Typography.Text> : t('customerPool.policies.days', { count: value }));
  const rows = [...(policies.data ?? [])].sort((a, b) => (a.level ?? '').localeCompare(b.level ?? ''));

  const columns: ColumnsType<PoolPolicyRead> = [
    {
      title: t('customerPool.policies.fields.level'),
      dataIndex: 'level',
      render: (level: string | null) => <span data-testid="pool-policy-row-level">{level ?? t('customerPool.policies.defaultLevel')}</span>,
    },
    { title: t('customerPool.policies.fields.days_without_follow_up'), dataIndex: 'days_without_follow_up', render: days },
    { title: t('customerPool.policies.fields.days_without_deal'), dataIndex: 'days_without_deal', render: days },
    {
      title: t('customerPool.policies.fields.warn_days_before'),
      dataIndex: 'warn_days_before',
      render: (value: number) => (value ? t('customerPool.policies.days', { count: value }) : t('customerPool.policies.noWarning')),
    },
    {
      title: t('customerPool.policies.fields.enabled'),
      dataIndex: 'enabled',
      render: (enabled: boolean) =>
        enabled ? <Tag color="green">{t('customerPool.policies.enabled')}</Tag> : <Tag>{t('customerPool.policies.exempt')}</Tag>,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, policy) => (
        <Space>
          <Button size="small" icon={<EditOutlined />} data-testid="pool-policy-edit" onClick={() => setEditing(policy)}>
            {t('common.edit')}
          </Button>
          <Popconfirm
            title={t('customerPool.policies.confirmDelete')}
            okText={t('common.yes')}
            cancelText={t('common.no')}
            onConfirm={() =>
              remove.mutate(policy.id, {
                onSuccess: () => void message.success(t('common.deleted')),
                onError: (error) => void message.error(problemMessage(problemOf(error), t)),
              })
            }
          >
            <Button size="small" danger icon={<DeleteOutlined />} data-testid="pool-policy-delete">
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={t('customerPool.policies.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} data-testid="pool-policy-new" onClick={() => setEditing('new')}>
          {t('customerPool.policies.new')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('customerPool.policies.intro')}</Typography.Paragraph>
      {policies.isError ? (
        <QueryError error={policies.error} onRetry={() => void policies.refetch()} />
      ) : (
        <Table<PoolPolicyRead> rowKey="id" size="small" columns={columns} dataSource={rows} loading={policies.isPending} pagination={false} />
      )}
      {editing && <PolicyFormModal policy={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
    </Card>
  );
}

interface CapsValues {
  default?: number | null;
  roles: { role_key?: string; max_customers?: number | null }[];
}

/** How many customers one user may own before claims and assignments from the pool are refused. */
function CapsCard() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const caps = useOwnershipCaps();
  const roles = useRoles(can('users:read'));
  const save = useSaveCaps();
  const [form] = Form.useForm<CapsValues>();
  const { serverError, handleError, clear } = useServerErrors(form);

  useEffect(() => {
    if (caps.data) form.setFieldsValue({ default: caps.data.default ?? null, roles: (caps.data.roles ?? []).map((r) => ({ ...r })) });
  }, [caps.data, form]);

  const onSubmit = (values: CapsValues) => {
    clear();
    const body: OwnershipCaps = {
      default: values.default ?? null,
      roles: (values.roles ?? []).map((r) => ({ role_key: r.role_key ?? '', max_customers: r.max_customers ?? 0 })),
    };
    save.mutate(body, { onSuccess: () => void message.success(t('common.saved')), onError: handleError });
  };

  const roleOptions = (roles.data ?? []).map((r) => ({ value: r.key, label: `${r.name} (${r.key})` }));

  return (
    <Card title={t('customerPool.caps.title')}>
      <Typography.Paragraph type="secondary">{t('customerPool.caps.intro')}</Typography.Paragraph>
      {caps.isError ? (
        <QueryError error={caps.error} onRetry={() => void caps.refetch()} />
      ) : caps.isPending ? (
        <Skeleton active />
      ) : (
        <>
          <FormProblem error={serverError} onReload={() => void caps.refetch()} />
          <Form<CapsValues> form={form} layout="vertical" onFinish={onSubmit} initialValues={{ roles: [] }}>
            <Form.Item name="default" label={t('customerPool.caps.default')} extra={t('customerPool.caps.defaultHelp')}>
              <InputNumber min={0} max={1_000_000} precision={0} style={{ width: 160 }} data-testid="pool-cap-default" />
            </Form.Item>
            <Typography.Text strong>{t('customerPool.caps.byRole')}</Typography.Text>
            <Form.List name="roles">
              {(fields, { add, remove }) => (
                <div style={{ marginTop: 8 }}>
                  {fields.map((field) => (
                    <Space key={field.key} align="baseline" data-testid="pool-cap-role-row">
                      <Form.Item
                        name={[field.name, 'role_key']}
                        rules={[{ required: true, message: t('customerPool.caps.roleRequired') }]}
                        aria-label={t('customerPool.caps.role')}
                      >
                        {can('users:read') ? (
                          <Select
                            style={{ width: 240 }}
                            placeholder={t('customerPool.caps.role')}
                            showSearch={{ optionFilterProp: 'label' }}
                            loading={roles.isPending}
                            options={roleOptions}
                            data-testid="pool-cap-role"
                          />
                        ) : (
                          <Input style={{ width: 240 }} placeholder={t('customerPool.caps.roleKey')} data-testid="pool-cap-role" />
                        )}
                      </Form.Item>
                      <Form.Item name={[field.name, 'max_customers']} rules={[{ required: true, message: t('customerPool.caps.capRequired') }]}>
                        <InputNumber min={0} max={1_000_000} precision={0} placeholder={t('customerPool.caps.cap')} data-testid="pool-cap-role-cap" />
                      </Form.Item>
                      <Button type="text" icon={<MinusCircleOutlined />} aria-label={t('customerPool.caps.removeRole')} onClick={() => remove(field.name)} />
                    </Space>
                  ))}
                  <Button icon={<PlusOutlined />} onClick={() => add({})} data-testid="pool-cap-add-role" style={{ marginBottom: 16 }}>
                    {t('customerPool.caps.addRole')}
                  </Button>
                </div>
              )}
            </Form.List>
            <div>
              <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="pool-caps-save">
                {t('common.save')}
              </Button>
            </div>
          </Form>
        </>
      )}
    </Card>
  );
}

/** Administration of the customer pool: return policies per level and ownership caps. */
export function PoolAdminPage() {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={16}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('customerPool.admin.title')}
      </Typography.Title>
      <PoliciesCard />
      <CapsCard />
    </Flex>
  );
}
