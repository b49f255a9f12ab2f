import { Alert, App, Button, Card, Descriptions, Skeleton, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { OrderRead, OrderStatus } from '../../api/types';
import { NotFound } from '../../components/NotFound';
import { QueryError } from '../../components/QueryError';
import { isApiError, problemMessage, problemOf } from '../../lib/problem';
import { useAuth } from '../auth/AuthContext';
import { CustomerLink, LinesTable, Money } from '../contracts/parts';
import { time } from '../../lib/dates';
import { ORDER_TRANSITIONS, useOrder, usePaymentPlan, useTransitionOrder } from './api';
import { OrderStatusTag } from './OrderParts';
import { PaymentsSection } from './PaymentsSection';
import { PortalLinksSection } from './PortalLinksSection';

function PlanAndPayments({ order }: { order: OrderRead }) {
  const plan = usePaymentPlan(order.id);
  if (plan.isPending) return <Skeleton active />;
  if (plan.isError) return <QueryError error={plan.error} onRetry={() => void plan.refetch()} />;
  return <PaymentsSection order={order} plan={plan.data} />;
}

function OrderView({ order }: { order: OrderRead }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const transition = useTransitionOrder(order.id);
  const [actionError, setActionError] = useState<string | null>(null);
  const f = (key: string) => t(`orders.fields.${key}`);

  const move = (status: OrderStatus) => {
    setActionError(null);
    transition.mutate(
      { status, version: order.version },
      {
        onSuccess: () => void message.success(t('orders.detail.transitioned', { status: t(`orders.status.${status}`) })),
        onError: (error) => setActionError(problemMessage(problemOf(error), t)),
      },
    );
  };

  return (
    <Card
      title={
        <Space>
          <span data-testid="order-number">{order.number}</span>
          <OrderStatusTag status={order.status} testId="order-status" />
        </Space>
      }
      extra={
        can('contracts:write') && (
          <Space wrap>
            {ORDER_TRANSITIONS[order.status].map((target) => (
              <Button
                key={target}
                danger={target === 'cancelled'}
                data-testid={`order-transition-${target}`}
                loading={transition.isPending && transition.variables?.status === target}
                onClick={() => move(target)}
              >
                {t(`orders.transition.${target}`)}
              </Button>
            ))}
          </Space>
        )
      }
    >
      {actionError && (
        <Alert type="error" showIcon closable style={{ marginBottom: 16 }} data-testid="order-action-error" title={actionError} onClose={() => setActionError(null)} />
      )}
      {order.status === 'pending_payment' && (
        <Typography.Paragraph type="secondary">{t('orders.detail.paidByPayments')}</Typography.Paragraph>
      )}
      <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} bordered>
        <Descriptions.Item label={f('customer')}>
          <CustomerLink id={order.customer_id} />
        </Descriptions.Item>
        <Descriptions.Item label={f('contract')}>
          {order.contract_id ? <Link to={`/contracts/${order.contract_id}`}>{t('orders.detail.openContract')}</Link> : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={f('total')}>
          <Money value={order.total} currency={order.currency} testId="order-total" />
        </Descriptions.Item>
        <Descriptions.Item label={f('fx_rate')}>{order.fx_rate}</Descriptions.Item>
        <Descriptions.Item label={f('created_at')}>{time(order.created_at)}</Descriptions.Item>
        <Descriptions.Item label={f('paid_at')}>{time(order.paid_at)}</Descriptions.Item>
        <Descriptions.Item label={f('shipped_at')}>{time(order.shipped_at)}</Descriptions.Item>
        <Descriptions.Item label={f('completed_at')}>{time(order.completed_at)}</Descriptions.Item>
        <Descriptions.Item label={f('cancelled_at')}>{time(order.cancelled_at)}</Descriptions.Item>
        <Descriptions.Item label={f('notes')} span={3}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{order.notes || '—'}</Typography.Paragraph>
        </Descriptions.Item>
      </Descriptions>

      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('contracts.lines.title')}
      </Typography.Title>
      <LinesTable lines={order.lines} currency={order.currency} total={order.total} testId="order-lines" />

      <PlanAndPayments order={order} />
      <PortalLinksSection orderId={order.id} />
    </Card>
  );
}

export function OrderDetailPage() {
  const { id = '' } = useParams();
  const order = useOrder(id);
  if (order.isPending) return <Skeleton active />;
  if (order.isError) {
    if (isApiError(order.error) && [404, 422].includes(order.error.status)) return <NotFound />;
    return <QueryError error={order.error} onRetry={() => void order.refetch()} />;
  }
  return <OrderView order={order.data} />;
}
