import { DeleteOutlined, EditOutlined } from '@ant-design/icons';
import { Suspense } from 'react';
import { App, Button, Card, Descriptions, Flex, Popconfirm, Skeleton, Space, Tabs } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import type { CustomerRead } from '../../api/types';
import { NotFound } from '../../components/NotFound';
import { QueryError } from '../../components/QueryError';
import { isApiError, problemMessage, problemOf } from '../../lib/problem';
import { useAuth } from '../auth/AuthContext';
import { slot } from '../slots';
import { useActiveCustomFields } from '../customfields/api';
import { Completeness } from '../customfields/Completeness';
import { CustomFieldValues } from '../customfields/CustomFieldValues';
import { TagChips } from '../customfields/TagChips';
import { useCustomer, useDeleteCustomer } from './api';
import { enumLabel } from '../../lib/enums';

function CustomerProfile({ customer }: { customer: CustomerRead }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const remove = useDeleteCustomer(customer.id);
  const { fields: customFields } = useActiveCustomFields('customer');
  const f = (key: string) => t(`customers.fields.${key}`);
  const onDelete = () =>
    remove.mutate(undefined, {
      onSuccess: () => {
        void message.success(t('customers.deletedMessage'));
        navigate('/customers');
      },
      onError: (error) => void message.error(problemMessage(problemOf(error), t)),
    });

  return (
    <Card
      title={<span data-testid="customer-title">{customer.name}</span>}
      extra={
        <Space>
          {slot('customerActions').map((action) => (
            <Suspense key={action.key} fallback={null}>
              {action.render(customer)}
            </Suspense>
          ))}
          {can('customers:write') && (
            <Button icon={<EditOutlined />} onClick={() => navigate(`/customers/${customer.id}/edit`)} data-testid="edit-customer">
              {t('common.edit')}
            </Button>
          )}
          {can('customers:delete') && (
            <Popconfirm title={t('customers.confirmDelete')} onConfirm={onDelete} okText={t('common.yes')} cancelText={t('common.no')}>
              <Button danger icon={<DeleteOutlined />} loading={remove.isPending} data-testid="delete-customer">
                {t('common.delete')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      }
    >
      <div style={{ marginBottom: 16 }}>
        <Completeness value={customer.completeness} fields={customFields} />
      </div>
      <Descriptions size="small" bordered column={{ xs: 1, md: 2, xl: 3 }} title={t('customers.profile')}>
        <Descriptions.Item label={f('kind')}>{t(`customers.kind.${customer.kind}`)}</Descriptions.Item>
        <Descriptions.Item label={f('phone')}>{customer.phone}</Descriptions.Item>
        <Descriptions.Item label={f('email')}>{customer.email}</Descriptions.Item>
        <Descriptions.Item label={f('province')}>{customer.province}</Descriptions.Item>
        <Descriptions.Item label={f('city')}>{customer.city}</Descriptions.Item>
        <Descriptions.Item label={f('district')}>{customer.district}</Descriptions.Item>
        <Descriptions.Item label={f('address')} span={{ xs: 1, md: 2, xl: 3 }}>
          {customer.address}
        </Descriptions.Item>
        <Descriptions.Item label={f('industry')}>{enumLabel('industry', customer.industry)}</Descriptions.Item>
        <Descriptions.Item label={f('source')}>{enumLabel('source', customer.source)}</Descriptions.Item>
        <Descriptions.Item label={f('tags')}>
          <TagChips tags={customer.tags} />
        </Descriptions.Item>
        <Descriptions.Item label={f('notes')} span={{ xs: 1, md: 2, xl: 3 }}>
          <span style={{ whiteSpace: 'pre-wrap' }}>{customer.notes}</span>
        </Descriptions.Item>
        <Descriptions.Item label={f('createdAt')}>{dayjs(customer.created_at).format('YYYY-MM-DD HH:mm')}</Descriptions.Item>
        <Descriptions.Item label={f('updatedAt')}>{dayjs(customer.updated_at).format('YYYY-MM-DD HH:mm')}</Descriptions.Item>
      </Descriptions>
      <CustomFieldValues fields={customFields} values={customer.custom_fields} />
    </Card>
  );
}

/**
 * The tabs other features put on the customer page (contacts, timeline, tasks, deals, ...: the
 * `customerPanels` slot), each shown to those who may read it.
 */
function CustomerTabs({ customer }: { customer: CustomerRead }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const tabs = slot('customerPanels')
    .filter((panel) => can(panel.permission))
    .map((panel) => ({
      key: panel.key,
      label: panel.testId ? <span data-testid={panel.testId}>{t(panel.titleKey)}</span> : t(panel.titleKey),
      children: <Suspense fallback={<Skeleton active />}>{panel.render(customer)}</Suspense>,
    }));
  if (tabs.length === 0) return null;
  return <Tabs items={tabs} destroyOnHidden />;
}

export function CustomerDetailPage() {
  const { id = '' } = useParams();
  const customer = useCustomer(id);
  if (customer.isPending) return <Skeleton active />;
  if (customer.isError) {
    if (isApiError(customer.error) && [404, 422].includes(customer.error.status)) return <NotFound />;
    return <QueryError error={customer.error} onRetry={() => void customer.refetch()} />;
  }
  return (
    <Flex vertical gap={16}>
      <CustomerProfile customer={customer.data} />
      <CustomerTabs customer={customer.data} />
    </Flex>
  );
}
