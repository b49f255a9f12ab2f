import { Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { DealListItem, DealStatus } from '../../api/types';
import { useAuth } from '../auth/AuthContext';
import { useUserName } from '../admin/userNames';
import { usePipelines } from './api';
import { formatMoney } from '../../lib/money';

export const DEAL_STATUS_COLORS: Record<DealStatus, string> = { open: 'blue', won: 'green', lost: 'red' };

export function DealStatusTag({ status, testId }: { status: DealStatus; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={DEAL_STATUS_COLORS[status]} data-testid={testId}>
      {t(`deals.status.${status}`)}
    </Tag>
  );
}

/** Stage names by id, over every pipeline (inactive ones too: old deals stay in them). */
export function useStageNames() {
  const pipelines = usePipelines(true);
  const names = new Map<string, string>();
  for (const pipeline of pipelines.data ?? []) for (const stage of pipeline.stages) names.set(stage.id, stage.name);
  return (id: string) => names.get(id) ?? '—';
}

interface DealTableProps {
  rows: DealListItem[];
  loading: boolean;
  testId: string;
  showCustomer?: boolean;
  emptyText?: string;
}

export function DealTable({ rows, loading, testId, showCustomer = true, emptyText }: DealTableProps) {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const userName = useUserName();
  const stageName = useStageNames();
  const columns: ColumnsType<DealListItem> = [
    {
      title: t('deals.fields.name'),
      key: 'name',
      render: (_: unknown, deal) => (
        <Link to={`/deals/${deal.id}`} data-testid={`${testId}-open`}>
          {deal.name}
        </Link>
      ),
    },
    ...(showCustomer
      ? [
          {
            title: t('deals.fields.customer'),
            key: 'customer',
            render: (_: unknown, deal: DealListItem) => can('customers:read') ? <Link to={`/customers/${deal.customer_id}`}>{deal.customer_name}</Link> : deal.customer_name,
          },
        ]
      : []),
    { title: t('deals.fields.stage'), dataIndex: 'stage_id', render: (id: string) => stageName(id) },
    { title: t('deals.fields.status'), dataIndex: 'status', render: (status: DealStatus) => <DealStatusTag status={status} testId={`${testId}-status`} /> },
    {
      title: t('deals.fields.amount'),
      key: 'amount',
      align: 'right',
      render: (_: unknown, deal) => formatMoney(deal.amount, deal.currency, i18n.language),
    },
    { title: t('deals.fields.owner'), dataIndex: 'owner_id', render: (id: string | null) => (id ? userName(id) : t('deals.noOwner')) },
    {
      title: t('deals.fields.expected_close_date'),
      dataIndex: 'expected_close_date',
      render: (value: string | null) => (value ? dayjs(value).format('YYYY-MM-DD') : '—'),
    },
  ];
  return (
    <Table<DealListItem>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={rows}
      loading={loading}
      pagination={false}
      data-testid={testId}
      onRow={() => ({ 'data-testid': `${testId}-row` }) as HTMLAttributes<HTMLElement>}
      scroll={{ x: true }}
      locale={emptyText ? { emptyText } : undefined}
    />
  );
}
