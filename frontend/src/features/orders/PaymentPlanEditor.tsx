import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Select, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { InstalmentKind, PaymentPlanRead } from '../../api/types';
import { FormProblem } from '../../components/FormProblem';
import { useServerErrors } from '../../lib/useServerErrors';
import { fromCents, toCents } from '../../lib/money';
import { Money } from '../contracts/parts';
import { INSTALMENT_KINDS, useSetPaymentPlan } from './api';

interface InstalmentValues {
  kind?: InstalmentKind;
  due_date?: string;
  amount?: string;
}

const AMOUNT = /^\d+(\.\d{1,2})?$/;

/** Replaces the order's instalments; the live difference to the total is computed on integer cents. */
export function PaymentPlanEditor({ plan, onDone }: { plan: PaymentPlanRead; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ instalments: InstalmentValues[] }>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const save = useSetPaymentPlan(plan.order_id);
  const watched = Form.useWatch('instalments', form) as InstalmentValues[] | undefined;
  const initial = plan.instalments.map((i) => ({ kind: i.kind, due_date: i.due_date, amount: i.amount }));
  const rows = watched ?? initial;

  const total = toCents(plan.total) ?? 0n;
  const amounts = rows.map((row) => toCents(row?.amount ?? ''));
  const unreadable = amounts.some((cents) => cents === null);
  const planned = amounts.reduce<bigint>((sum, cents) => sum + (cents ?? 0n), 0n);
  const difference = total - planned;

  return (
    <div data-testid="order-plan-editor">
      <FormProblem error={serverError} />
      <Form
        form={form}
        layout="inline"
        initialValues={{ instalments: initial }}
        onFinish={(values) => {
          clear();
          save.mutate(
            (values.instalments ?? []).map((row) => ({
              kind: row.kind ?? 'instalment',
              due_date: row.due_date ?? '',
              amount: (row.amount ?? '').trim(),
            })),
            {
              onSuccess: () => {
                void message.success(t('orders.plan.saved'));
                onDone();
              },
              onError: handleError,
            },
          );
        }}
      >
        <Form.List name="instalments">
          {(fields, { add, remove }) => (
            <Space orientation="vertical" style={{ width: '100%' }}>
              {fields.map((field) => (
                <Space key={field.key} align="baseline" wrap data-testid="order-plan-row">
                  <Form.Item name={[field.name, 'kind']} rules={[{ required: true, message: t('orders.plan.kindRequired') }]}>
                    <Select style={{ width: 140 }} data-testid="order-plan-kind" options={INSTALMENT_KINDS.map((k) => ({ value: k, label: t(`orders.kind.${k}`) }))} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'due_date']} rules={[{ required: true, message: t('orders.plan.dueRequired') }]}>
                    <Input type="date" data-testid="order-plan-due" />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'amount']}
                    rules={[
                      { required: true, message: t('orders.plan.amountRequired') },
                      { pattern: AMOUNT, message: t('orders.amountInvalid') },
                    ]}
                  >
                    <Input inputMode="decimal" style={{ width: 140 }} placeholder={t('orders.plan.amount')} data-testid="order-plan-amount" />
                  </Form.Item>
                  <MinusCircleOutlined aria-label={t('orders.plan.remove')} onClick={() => remove(field.name)} />
                </Space>
              ))}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                data-testid="order-plan-add"
                onClick={() => add({ kind: 'instalment', due_date: dayjs().format('YYYY-MM-DD'), amount: difference > 0n ? fromCents(difference) : '' })}
              >
                {t('orders.plan.add')}
              </Button>
            </Space>
          )}
        </Form.List>
      </Form>
      <Space style={{ marginTop: 12 }} wrap>
        <Typography.Text>
          {t('orders.plan.total')}: <Money value={plan.total} currency={plan.currency} />
        </Typography.Text>
        <Typography.Text type={difference === 0n && !unreadable ? 'success' : 'danger'} data-testid="order-plan-difference">
          {unreadable
            ? t('orders.plan.unreadable')
            : difference === 0n
              ? t('orders.plan.balanced')
              : difference > 0n
                ? t('orders.plan.remaining', { amount: fromCents(difference), currency: plan.currency })
                : t('orders.plan.over', { amount: fromCents(-difference), currency: plan.currency })}
        </Typography.Text>
        <Button onClick={onDone}>{t('common.cancel')}</Button>
        <Button type="primary" loading={save.isPending} data-testid="order-plan-save" onClick={() => form.submit()}>
          {t('orders.plan.save')}
        </Button>
      </Space>
    </div>
  );
}
