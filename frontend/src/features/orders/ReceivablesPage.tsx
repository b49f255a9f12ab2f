import { Card, Input, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReceivableRow } from '../../api/types';
import { QueryError } from '../../components/QueryError';
import { useAuth } from '../auth/AuthContext';
import { fromCents, sumAmounts, toCents } from '../../lib/money';
import { CustomerLink, CustomerPicker, Money } from '../contracts/parts';
import { day } from '../../lib/dates';
import { useReceivables, type ReceivablesFilters } from './api';

const BUCKETS = ['days_0_30', 'days_31_60', 'days_61_90', 'days_over_90'] as const;

interface CurrencyTotals {
  currency: string;
  outstanding: string;
  current: string;
  overdue: string;
  days_0_30: string;
  days_31_60: string;
  days_61_90: string;
  days_over_90: string;
}

/** Totals per currency of the server's rows, summed exactly on integer cents. */
function totalsByCurrency(rows: ReceivableRow[]): CurrencyTotals[] {
  const currencies = [...new Set(rows.map((row) => row.currency))].sort();
  return currencies.map((currency) => {
    const mine = rows.filter((row) => row.currency === currency);
    const outstanding = sumAmounts(mine.map((r) => r.outstanding));
    const overdue = sumAmounts(mine.map((r) => r.overdue));
    return {
      currency,
      outstanding,
      overdue,
      // Not yet due: what is owed minus what is overdue.
      current: fromCents((toCents(outstanding) ?? 0n) - (toCents(overdue) ?? 0n)),
      days_0_30: sumAmounts(mine.map((r) => r.aging.days_0_30)),
      days_31_60: sumAmounts(mine.map((r) => r.aging.days_31_60)),
      days_61_90: sumAmounts(mine.map((r) => r.aging.days_61_90)),
      days_over_90: sumAmounts(mine.map((r) => r.aging.days_over_90)),
    };
  });
}

export function ReceivablesPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [filters, setFilters] = useState<ReceivablesFilters>({});
  const report = useReceivables(filters);
  const bucketTitle = (key: string) => t(`orders.receivables.buckets.${key}`);

  const totalsColumns: ColumnsType<CurrencyTotals> = [
    { title: t('orders.receivables.currency'), dataIndex: 'currency' },
    { title: t('orders.receivables.outstanding'), dataIndex: 'outstanding', align: 'right', render: (v: string, r) => <Money value={v} currency={r.currency} /> },
    { title: bucketTitle('current'), dataIndex: 'current', align: 'right', render: (v: string, r) => <Money value={v} currency={r.currency} /> },
    ...BUCKETS.map((key) => ({
      title: bucketTitle(key),
      dataIndex: key,
      align: 'right' as const,
      render: (v: string, r: CurrencyTotals) => <Money value={v} currency={r.currency} testId={`receivables-${r.currency}-${key}`} />,
    })),
    { title: t('orders.receivables.overdue'), dataIndex: 'overdue', align: 'right', render: (v: string, r) => <Money value={v} currency={r.currency} /> },
  ];
  const rowColumns: ColumnsType<ReceivableRow> = [
    { title: t('orders.receivables.customer'), dataIndex: 'customer_name', render: (name: string, row) => (can('customers:read') ? <CustomerLink id={row.customer_id} name={name} /> : name) },
    { title: t('orders.receivables.currency'), dataIndex: 'currency' },
    { title: t('orders.receivables.outstanding'), dataIndex: 'outstanding', align: 'right', render: (v: string, r) => <Money value={v} currency={r.currency} /> },
    ...BUCKETS.map((key) => ({
      title: bucketTitle(key),
      key,
      align: 'right' as const,
      render: (_: unknown, r: ReceivableRow) => <Money value={r.aging[key]} currency={r.currency} />,
    })),
    { title: t('orders.receivables.overdue'), dataIndex: 'overdue', align: 'right', render: (v: string, r) => <Money value={v} currency={r.currency} /> },
  ];

  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('orders.receivables.title')}</Typography.Title>}>
      <Space wrap style={{ marginBottom: 12 }}>
        <span>{t('orders.receivables.asOf')}</span>
        <Input
          type="date"
          style={{ width: 170 }}
          data-testid="receivables-as-of"
          value={filters.as_of ?? ''}
          onChange={(e) => setFilters({ ...filters, as_of: e.target.value || undefined })}
        />
        {can('customers:read') && (
          <div style={{ width: 240 }}>
            <CustomerPicker value={filters.customer_id} onChange={(customer_id) => setFilters({ ...filters, customer_id })} testId="receivables-customer" />
          </div>
        )}
        {filters.customer_id && <Typography.Link onClick={() => setFilters({ ...filters, customer_id: undefined })}>{t('contracts.clearCustomer')}</Typography.Link>}
      </Space>
      {report.isError ? (
        <QueryError error={report.error} onRetry={() => void report.refetch()} />
      ) : (
        <>
          {report.data && (
            <Typography.Paragraph type="secondary" data-testid="receivables-as-of-shown">
              {t('orders.receivables.asOfShown', { date: day(report.data.as_of) })}
            </Typography.Paragraph>
          )}
          <Typography.Title level={5}>{t('orders.receivables.totals')}</Typography.Title>
          <Table<CurrencyTotals>
            rowKey="currency"
            size="small"
            columns={totalsColumns}
            dataSource={report.data ? totalsByCurrency(report.data.items) : []}
            loading={report.isPending}
            pagination={false}
            data-testid="receivables-totals"
            locale={{ emptyText: t('orders.receivables.none') }}
          />
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('orders.receivables.rows')}
          </Typography.Title>
          <Table<ReceivableRow>
            rowKey={(r) => `${r.customer_id}-${r.owner_id ?? ''}-${r.currency}`}
            size="small"
            columns={rowColumns}
            dataSource={report.data?.items ?? []}
            loading={report.isPending}
            pagination={false}
            data-testid="receivables-rows"
            locale={{ emptyText: t('orders.receivables.none') }}
          />
        </>
      )}
    </Card>
  );
}
