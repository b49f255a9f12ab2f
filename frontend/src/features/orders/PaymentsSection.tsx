import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { InstalmentRead, OrderRead, PaymentPlanRead, PaymentRead } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { QueryError } from '../../components/QueryError';
import { useServerErrors } from '../../lib/useServerErrors';
import { useAuth } from '../auth/AuthContext';
import { toCents } from '../../lib/money';
import { Money } from '../contracts/parts';
import { day, time } from '../../lib/dates';
import { usePayments, useRecordPayment } from './api';
import { PaymentPlanEditor } from './PaymentPlanEditor';

const AMOUNT = /^\d+(\.\d{1,2})?$/;

interface PaymentValues {
  instalment_id?: string;
  amount?: string;
  received_on?: string;
  method?: string;
  reference?: string;
}

function RecordPaymentModal({ order, plan, onClose }: { order: OrderRead; plan: PaymentPlanRead; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PaymentValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const record = useRecordPayment(order.id);
  const open = plan.instalments.filter((i) => (toCents(i.outstanding) ?? 0n) > 0n);
  const first = open[0];

  return (
    <FormModal
      title={t('orders.payments.recordTitle')}
      okText={t('orders.payments.record')}
      form={form}
      submitting={record.isPending}
      onClose={onClose}
      serverError={serverError}
      submitTestId="order-payment-submit"
    >
      <Form<PaymentValues>
        form={form}
        layout="vertical"
        initialValues={{ instalment_id: first?.id, amount: first?.outstanding, received_on: dayjs().format('YYYY-MM-DD') }}
        onFinish={(values) => {
          clear();
          const method = values.method?.trim();
          const reference = values.reference?.trim();
          record.mutate(
            {
              instalment_id: values.instalment_id ?? '',
              amount: (values.amount ?? '').trim(),
              // The day it arrived, at noon local time (the API takes an instant).
              ...(values.received_on ? { received_at: dayjs(`${values.received_on}T12:00:00`).toISOString() } : {}),
              ...(method ? { method } : {}),
              ...(reference ? { reference } : {}),
            },
            {
              onSuccess: () => {
                void message.success(t('orders.payments.recorded'));
                onClose();
              },
              onError: handleError,
            },
          );
        }}
      >
        <Form.Item name="instalment_id" label={t('orders.payments.instalment')} rules={[{ required: true, message: t('orders.payments.instalmentRequired') }]}>
          <Select
            data-testid="order-payment-instalment"
            options={plan.instalments.map((i) => ({
              value: i.id,
              label: t('orders.payments.instalmentOption', {
                position: i.position,
                kind: t(`orders.kind.${i.kind}`),
                due: i.due_date,
                outstanding: i.outstanding,
                currency: plan.currency,
              }),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="amount"
          label={t('orders.payments.amount')}
          rules={[
            { required: true, message: t('orders.payments.amountRequired') },
            { pattern: AMOUNT, message: t('orders.amountInvalid') },
          ]}
        >
          <Input inputMode="decimal" suffix={order.currency} data-testid="order-payment-amount" />
        </Form.Item>
        <Form.Item name="received_on" label={t('orders.payments.receivedOn')}>
          <Input type="date" data-testid="order-payment-date" />
        </Form.Item>
        <Space style={{ width: '100%' }} styles={{ item: { flex: 1 } }}>
          <Form.Item name="method" label={t('orders.payments.method')}>
            <Input maxLength={50} data-testid="order-payment-method" placeholder={t('orders.payments.methodPlaceholder')} />
          </Form.Item>
          <Form.Item name="reference" label={t('orders.payments.reference')}>
            <Input maxLength={200} data-testid="order-payment-reference" />
          </Form.Item>
        </Space>
      </Form>
    </FormModal>
  );
}

/** The payment plan (with its editor while no money came in) and the payments received. */
export function PaymentsSection({ order, plan }: { order: OrderRead; plan: PaymentPlanRead }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const payments = usePayments(order.id);
  const [editing, setEditing] = useState(false);
  const [recording, setRecording] = useState(false);
  const writable = can('contracts:write') && order.status === 'pending_payment';
  const nothingPaid = plan.instalments.every((i) => (toCents(i.paid_amount) ?? 0n) === 0n);
  const money = (value: string) => <Money value={value} currency={plan.currency} />;
  const positions = new Map(plan.instalments.map((i) => [i.id, i.position]));

  const planColumns: ColumnsType<InstalmentRead> = [
    { title: '#', dataIndex: 'position', width: 48 },
    { title: t('orders.plan.kind'), dataIndex: 'kind', render: (kind: string) => t(`orders.kind.${kind}`, { defaultValue: kind }) },
    { title: t('orders.plan.due'), dataIndex: 'due_date', render: day },
    { title: t('orders.plan.amount'), dataIndex: 'amount', align: 'right', render: money },
    { title: t('orders.plan.paid'), dataIndex: 'paid_amount', align: 'right', render: money },
    { title: t('orders.plan.outstanding'), dataIndex: 'outstanding', align: 'right', render: money },
  ];
  const paymentColumns: ColumnsType<PaymentRead> = [
    { title: t('orders.payments.receivedAt'), dataIndex: 'received_at', render: time },
    { title: t('orders.payments.amount'), dataIndex: 'amount', align: 'right', render: money },
    { title: t('orders.payments.instalment'), dataIndex: 'instalment_id', render: (id: string) => (positions.has(id) ? `#${positions.get(id)}` : '—') },
    { title: t('orders.payments.method'), dataIndex: 'method', render: (v: string | null) => v ?? '—' },
    { title: t('orders.payments.reference'), dataIndex: 'reference', render: (v: string | null) => v ?? '—' },
  ];

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginTop: 24 }} wrap>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('orders.plan.title')}
        </Typography.Title>
        <Space wrap>
          <Typography.Text>
            {t('orders.plan.paid')}: <Money value={plan.paid} currency={plan.currency} testId="order-paid-amount" />
          </Typography.Text>
          <Typography.Text>
            {t('orders.plan.outstanding')}: <Money value={plan.outstanding} currency={plan.currency} testId="order-outstanding-amount" />
          </Typography.Text>
          {writable && nothingPaid && !editing && (
            <Button data-testid="order-plan-edit" onClick={() => setEditing(true)}>
              {t('orders.plan.edit')}
            </Button>
          )}
        </Space>
      </Space>
      {editing ? (
        <PaymentPlanEditor plan={plan} onDone={() => setEditing(false)} />
      ) : (
        <Table<InstalmentRead> rowKey="id" size="small" columns={planColumns} dataSource={plan.instalments} pagination={false} data-testid="order-plan" />
      )}

      <Space style={{ width: '100%', justifyContent: 'space-between', marginTop: 24 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('orders.payments.title')}
        </Typography.Title>
        {writable && (
          <Button icon={<PlusOutlined />} data-testid="order-payment-add" onClick={() => setRecording(true)}>
            {t('orders.payments.record')}
          </Button>
        )}
      </Space>
      {payments.isError ? (
        <QueryError error={payments.error} onRetry={() => void payments.refetch()} />
      ) : (
        <Table<PaymentRead>
          rowKey="id"
          size="small"
          columns={paymentColumns}
          dataSource={payments.data ?? []}
          loading={payments.isPending}
          pagination={false}
          data-testid="order-payments"
          locale={{ emptyText: t('orders.payments.none') }}
          onRow={() => ({ 'data-testid': 'order-payment-row' }) as HTMLAttributes<HTMLElement>}
        />
      )}
      {recording && <RecordPaymentModal order={order} plan={plan} onClose={() => setRecording(false)} />}
    </>
  );
}
