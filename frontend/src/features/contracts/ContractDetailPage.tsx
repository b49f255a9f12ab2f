import { EditOutlined, FileAddOutlined, RedoOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Flex, Form, Input, Skeleton, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { ContractRead, ContractStatus, OrderSummary } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { NotFound } from '../../components/NotFound';
import { QueryError } from '../../components/QueryError';
import { isApiError, problemMessage, problemOf } from '../../lib/problem';
import { useServerErrors } from '../../lib/useServerErrors';
import { AttachmentsCard } from '../attachments/AttachmentsCard';
import { useAuth } from '../auth/AuthContext';
import { CONTRACT_TRANSITIONS, useContract, useContractOrders, useCreateOrderFromContract, useRenewContract, useTemplate, useTransitionContract } from './api';
import { ContractFormModal } from './ContractFormModal';
import { ContractStatusTag, CustomerLink, LinesTable, Money } from './parts';
import { day, time } from '../../lib/dates';

const blank = (value: string | undefined) => (value && value.trim() ? value.trim() : null);

function RenewModal({ contract, onClose }: { contract: ContractRead; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ start_date?: string; end_date?: string }>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const renew = useRenewContract(contract.id);
  return (
    <FormModal
      title={t('contracts.renew.title')}
      okText={t('contracts.renew.submit')}
      form={form}
      submitting={renew.isPending}
      onClose={onClose}
      serverError={serverError}
      submitTestId="contract-renew-submit"
    >
      <Typography.Paragraph type="secondary">{t('contracts.renew.hint')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={(values) => {
          clear();
          renew.mutate(
            { start_date: blank(values.start_date), end_date: blank(values.end_date) },
            { onSuccess: (renewal) => void navigate(`/contracts/${renewal.id}`), onError: handleError },
          );
        }}
      >
        <Space>
          <Form.Item name="start_date" label={t('contracts.fields.start_date')}>
            <Input type="date" data-testid="contract-renew-start" />
          </Form.Item>
          <Form.Item name="end_date" label={t('contracts.fields.end_date')}>
            <Input type="date" data-testid="contract-renew-end" />
          </Form.Item>
        </Space>
      </Form>
    </FormModal>
  );
}

function CreateOrderModal({ contract, onClose }: { contract: ContractRead; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ fx_rate?: string; notes?: string }>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const create = useCreateOrderFromContract(contract.id);
  return (
    <FormModal
      title={t('contracts.order.title')}
      okText={t('contracts.order.submit')}
      form={form}
      submitting={create.isPending}
      onClose={onClose}
      serverError={serverError}
      submitTestId="contract-order-submit"
    >
      <Typography.Paragraph type="secondary">{t('contracts.order.hint')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={(values) => {
          clear();
          const fxRate = blank(values.fx_rate);
          create.mutate(
            { ...(fxRate ? { fx_rate: fxRate } : {}), notes: blank(values.notes) },
            { onSuccess: (order) => void navigate(`/orders/${order.id}`), onError: handleError },
          );
        }}
      >
        <Form.Item name="fx_rate" label={t('contracts.order.fxRate')} extra={t('contracts.order.fxRateHint', { currency: contract.currency })}>
          <Input inputMode="decimal" data-testid="contract-order-fx" />
        </Form.Item>
        <Form.Item name="notes" label={t('contracts.fields.notes')}>
          <Input.TextArea rows={2} data-testid="contract-order-notes" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

function ContractOrders({ contractId }: { contractId: string }) {
  const { t } = useTranslation();
  const orders = useContractOrders(contractId);
  const columns: ColumnsType<OrderSummary> = [
    { title: t('orders.fields.number'), dataIndex: 'number', render: (number: string, row) => <Link to={`/orders/${row.id}`}>{number}</Link> },
    { title: t('orders.fields.status'), dataIndex: 'status', render: (status: string) => t(`orders.status.${status}`, { defaultValue: status }) },
    { title: t('orders.fields.total'), dataIndex: 'total', align: 'right', render: (total: string, row) => <Money value={total} currency={row.currency} /> },
  ];
  if (orders.isError) return <QueryError error={orders.error} onRetry={() => void orders.refetch()} />;
  return (
    <Table<OrderSummary>
      rowKey="id"
      size="small"
      columns={columns}
      loading={orders.isPending}
      data-testid="contract-orders"
      pagination={false}
      locale={{ emptyText: t('contracts.detail.noOrders') }}
      dataSource={orders.data?.items ?? []}
    />
  );
}

function TemplateName({ id }: { id: string }) {
  const template = useTemplate(id);
  return <>{template.data?.name ?? '…'}</>;
}

function ContractView({ contract, reload }: { contract: ContractRead; reload: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const transition = useTransitionContract(contract.id);
  const [dialog, setDialog] = useState<'edit' | 'renew' | 'order' | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const writable = can('contracts:write');
  // Signing needs its own permission (a salesperson does not sign their own contract).
  const targets = CONTRACT_TRANSITIONS[contract.status].filter((target) => target !== 'signed' || can('contracts:sign'));
  const f = (key: string) => t(`contracts.fields.${key}`);

  const move = (status: ContractStatus) => {
    setActionError(null);
    transition.mutate(
      { status, version: contract.version },
      {
        onSuccess: () => void message.success(t('contracts.detail.transitioned', { status: t(`contracts.status.${status}`) })),
        onError: (error) => setActionError(problemMessage(problemOf(error), t)),
      },
    );
  };

  return (
    <Card
      title={
        <Space wrap>
          <span data-testid="contract-number">{contract.number}</span>
          <Typography.Text type="secondary">{contract.title}</Typography.Text>
          <ContractStatusTag status={contract.status} testId="contract-status" />
        </Space>
      }
      extra={
        writable && (
          <Space wrap>
            {targets.map((target) => (
              <Button
                key={target}
                data-testid={`contract-transition-${target}`}
                loading={transition.isPending && transition.variables?.status === target}
                danger={target === 'terminated'}
                onClick={() => move(target)}
              >
                {t(`contracts.transition.${target}`)}
              </Button>
            ))}
            {contract.status === 'draft' && (
              <Button icon={<EditOutlined />} data-testid="contract-edit" onClick={() => setDialog('edit')}>
                {t('common.edit')}
              </Button>
            )}
            {(contract.status === 'signed' || contract.status === 'expired') && (
              <Button icon={<RedoOutlined />} data-testid="contract-renew" onClick={() => setDialog('renew')}>
                {t('contracts.renew.open')}
              </Button>
            )}
            {contract.status === 'signed' && (
              <Button type="primary" icon={<FileAddOutlined />} data-testid="contract-create-order" onClick={() => setDialog('order')}>
                {t('contracts.order.open')}
              </Button>
            )}
          </Space>
        )
      }
    >
      {actionError && (
        <Alert type="error" showIcon closable style={{ marginBottom: 16 }} data-testid="contract-action-error" title={actionError} onClose={() => setActionError(null)} />
      )}
      <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} bordered>
        <Descriptions.Item label={f('number')}>{contract.number}</Descriptions.Item>
        <Descriptions.Item label={f('customer')}>
          <CustomerLink id={contract.customer_id} />
        </Descriptions.Item>
        <Descriptions.Item label={f('deal')}>
          {contract.deal_id ? (
            <Link to={`/deals/${contract.deal_id}`} data-testid="contract-deal-link">
              {t('contracts.detail.openDeal')}
            </Link>
          ) : (
            '—'
          )}
        </Descriptions.Item>
        <Descriptions.Item label={f('template')}>{contract.template_id ? <TemplateName id={contract.template_id} /> : '—'}</Descriptions.Item>
        <Descriptions.Item label={f('start_date')}>{day(contract.start_date)}</Descriptions.Item>
        <Descriptions.Item label={f('end_date')}>{day(contract.end_date)}</Descriptions.Item>
        <Descriptions.Item label={f('total')}>
          <Money value={contract.total} currency={contract.currency} testId="contract-total" />
        </Descriptions.Item>
        <Descriptions.Item label={f('signed_at')}>{time(contract.signed_at)}</Descriptions.Item>
        <Descriptions.Item label={f('renewed_from')}>
          {contract.renewed_from_id ? <Link to={`/contracts/${contract.renewed_from_id}`}>{t('contracts.detail.openRenewed')}</Link> : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={f('notes')} span={3}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{contract.notes || '—'}</Typography.Paragraph>
        </Descriptions.Item>
      </Descriptions>

      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('contracts.lines.title')}
      </Typography.Title>
      <LinesTable lines={contract.lines} currency={contract.currency} total={contract.total} testId="contract-lines" />

      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {f('terms')}
      </Typography.Title>
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="contract-terms" ellipsis={{ rows: 8, expandable: true, symbol: t('contracts.detail.more') }}>
        {contract.terms || '—'}
      </Typography.Paragraph>

      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('contracts.detail.orders')}
      </Typography.Title>
      <ContractOrders contractId={contract.id} />

      {dialog === 'edit' && <ContractFormModal contract={contract} onClose={() => setDialog(null)} onReload={reload} />}
      {dialog === 'renew' && <RenewModal contract={contract} onClose={() => setDialog(null)} />}
      {dialog === 'order' && <CreateOrderModal contract={contract} onClose={() => setDialog(null)} />}
    </Card>
  );
}

export function ContractDetailPage() {
  const { id = '' } = useParams();
  const { can } = useAuth();
  const contract = useContract(id);
  if (contract.isPending) return <Skeleton active />;
  if (contract.isError) {
    if (isApiError(contract.error) && [404, 422].includes(contract.error.status)) return <NotFound />;
    return <QueryError error={contract.error} onRetry={() => void contract.refetch()} />;
  }
  return (
    <Flex vertical gap={16}>
      <ContractView contract={contract.data} reload={() => void contract.refetch()} />
      <AttachmentsCard parentType="contract" parentId={contract.data.id} canWrite={can('contracts:write')} extraCategories={['contract']} />
    </Flex>
  );
}
