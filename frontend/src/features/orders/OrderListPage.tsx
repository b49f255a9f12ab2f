import { Card, Input, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { OrderStatus, OrderSummary } from '../../api/types';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { useAuth } from '../auth/AuthContext';
import { CustomerLink, CustomerPicker, Money } from '../contracts/parts';
import { time } from '../../lib/dates';
import { ORDER_STATUSES, useOrderList, type OrderFilters } from './api';
import { OrderStatusTag } from './OrderParts';

export function OrderListPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [filters, setFilters] = useState<OrderFilters>({});
  const list = useOrderList(filters);
  const f = (key: string) => t(`orders.fields.${key}`);

  const columns: ColumnsType<OrderSummary> = [
    { title: f('number'), dataIndex: 'number', render: (number: string, row) => <Link to={`/orders/${row.id}`} data-testid="order-row-link">{number}</Link> },
    { title: f('customer'), key: 'customer', render: (_: unknown, row) => <CustomerLink id={row.customer_id} name={row.customer_name} /> },
    { title: f('status'), dataIndex: 'status', render: (status: OrderStatus) => <OrderStatusTag status={status} /> },
    { title: f('contract'), dataIndex: 'contract_id', render: (id: string | null) => (id ? <Link to={`/contracts/${id}`}>{t('orders.detail.openContract')}</Link> : '—') },
    { title: f('created_at'), dataIndex: 'created_at', render: time },
    { title: f('paid_at'), dataIndex: 'paid_at', render: time },
    { title: f('total'), dataIndex: 'total', align: 'right', render: (total: string, row) => <Money value={total} currency={row.currency} /> },
  ];

  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('orders.title')}</Typography.Title>}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          style={{ width: 220 }}
          placeholder={t('orders.searchPlaceholder')}
          data-testid="order-search"
          onSearch={(value) => setFilters({ ...filters, q: value.trim() || undefined })}
        />
        <Select
          allowClear
          style={{ width: 180 }}
          placeholder={f('status')}
          data-testid="order-status-filter"
          value={filters.status}
          onChange={(status?: OrderStatus) => setFilters({ ...filters, status })}
          options={ORDER_STATUSES.map((s) => ({ value: s, label: t(`orders.status.${s}`) }))}
        />
        {can('customers:read') && (
          <Space.Compact>
            <div style={{ width: 240 }}>
              <CustomerPicker value={filters.customer_id} onChange={(customer_id) => setFilters({ ...filters, customer_id })} testId="order-customer-filter" />
            </div>
          </Space.Compact>
        )}
        {filters.customer_id && <Typography.Link onClick={() => setFilters({ ...filters, customer_id: undefined })}>{t('contracts.clearCustomer')}</Typography.Link>}
      </Space>
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Table<OrderSummary> rowKey="id" size="small" columns={columns} dataSource={list.rows} loading={list.loading} pagination={false} data-testid="order-list" />
          <LoadMore shown={list.rows.length} total={list.total} hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoadMore={() => void list.fetchNextPage()} />
        </>
      )}
    </Card>
  );
}
