import { Card, Descriptions, Layout, Result, Skeleton, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { PortalInstalment, PortalPayment } from '../../api/types';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { isApiError, problemMessage, problemOf } from '../../lib/problem';
import { LinesTable, Money } from '../contracts/parts';
import { day, time } from '../../lib/dates';
import { usePortalOrder } from './api';
import { OrderStatusTag } from './OrderParts';

/** The customer's read-only page of an order: no sign-in, the token in the address is the credential. */
export function PortalOrderPage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const order = usePortalOrder(token);

  let content;
  if (order.isPending) content = <Skeleton active />;
  else if (order.isError) {
    const gone = isApiError(order.error) && [404, 410].includes(order.error.status);
    content = (
      <Result
        status={gone ? '404' : 'error'}
        data-testid="portal-error"
        title={gone ? t('orders.portalPage.goneTitle') : t('errors.loadFailed')}
        subTitle={gone ? t('orders.portalPage.goneDetail') : problemMessage(problemOf(order.error), t)}
      />
    );
  } else {
    const data = order.data;
    const money = (value: string) => <Money value={value} currency={data.currency} />;
    const planColumns: ColumnsType<PortalInstalment> = [
      { title: t('orders.plan.kind'), dataIndex: 'kind', render: (kind: string) => t(`orders.kind.${kind}`, { defaultValue: kind }) },
      { title: t('orders.plan.due'), dataIndex: 'due_date', render: day },
      { title: t('orders.plan.amount'), dataIndex: 'amount', align: 'right', render: money },
      { title: t('orders.plan.paid'), dataIndex: 'paid_amount', align: 'right', render: money },
      { title: t('orders.plan.outstanding'), dataIndex: 'outstanding', align: 'right', render: money },
    ];
    const paymentColumns: ColumnsType<PortalPayment> = [
      { title: t('orders.payments.receivedAt'), dataIndex: 'received_at', render: time },
      { title: t('orders.payments.amount'), dataIndex: 'amount', align: 'right', render: money },
    ];
    content = (
      <Card
        data-testid="portal-order"
        title={
          <span>
            {t('orders.portalPage.order')} <span data-testid="portal-order-number">{data.number}</span> <OrderStatusTag status={data.status} />
          </span>
        }
      >
        <Descriptions size="small" bordered column={{ xs: 1, md: 2, xl: 4 }}>
          <Descriptions.Item label={t('orders.fields.created_at')}>{time(data.created_at)}</Descriptions.Item>
          <Descriptions.Item label={t('orders.fields.total')}>{money(data.total)}</Descriptions.Item>
          <Descriptions.Item label={t('orders.plan.paid')}>
            <Money value={data.paid} currency={data.currency} testId="portal-paid" />
          </Descriptions.Item>
          <Descriptions.Item label={t('orders.plan.outstanding')}>
            <Money value={data.outstanding} currency={data.currency} testId="portal-outstanding" />
          </Descriptions.Item>
        </Descriptions>
        <Typography.Title level={5} style={{ marginTop: 24 }}>
          {t('contracts.lines.title')}
        </Typography.Title>
        <LinesTable lines={data.lines} currency={data.currency} total={data.total} testId="portal-lines" />
        <Typography.Title level={5} style={{ marginTop: 24 }}>
          {t('orders.plan.title')}
        </Typography.Title>
        <Table<PortalInstalment> size="small" columns={planColumns} dataSource={data.payment_plan.map((row, key) => ({ ...row, key }))} pagination={false} data-testid="portal-plan" />
        <Typography.Title level={5} style={{ marginTop: 24 }}>
          {t('orders.payments.title')}
        </Typography.Title>
        <Table<PortalPayment>
          size="small"
          columns={paymentColumns}
          dataSource={data.payments.map((row, key) => ({ ...row, key }))}
          pagination={false}
          data-testid="portal-payments"
          locale={{ emptyText: t('orders.payments.none') }}
        />
      </Card>
    );
  }

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', background: 'transparent' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('orders.portalPage.title')}
        </Typography.Title>
        <LanguageSwitch />
      </Layout.Header>
      <Layout.Content style={{ padding: 24, maxWidth: 1100, width: '100%', margin: '0 auto' }}>{content}</Layout.Content>
    </Layout>
  );
}
