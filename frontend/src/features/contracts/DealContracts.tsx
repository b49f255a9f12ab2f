import { Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ContractStatus, ContractSummary } from '../../api/types';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { useAuth } from '../auth/AuthContext';
import { useContractList } from './api';
import { ContractStatusTag, Money } from './parts';
import { day } from '../../lib/dates';

function DealContractList({ dealId }: { dealId: string }) {
  const { t } = useTranslation();
  const list = useContractList({ deal_id: dealId });
  const f = (key: string) => t(`contracts.fields.${key}`);
  const columns: ColumnsType<ContractSummary> = [
    { title: f('number'), dataIndex: 'number', render: (number: string, row) => <Link to={`/contracts/${row.id}`}>{number}</Link> },
    { title: f('title'), dataIndex: 'title' },
    { title: f('status'), dataIndex: 'status', render: (status: ContractStatus) => <ContractStatusTag status={status} /> },
    { title: f('end_date'), dataIndex: 'end_date', render: day },
    { title: f('total'), dataIndex: 'total', align: 'right', render: (total: string, row) => <Money value={total} currency={row.currency} /> },
  ];
  if (list.isError) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <>
      <Table<ContractSummary>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={list.rows}
        loading={list.loading}
        pagination={false}
        data-testid="deal-contracts"
        locale={{ emptyText: t('contracts.deal.none') }}
        onRow={() => ({ 'data-testid': 'deal-contract-row' }) as HTMLAttributes<HTMLElement>}
      />
      {list.hasNextPage && (
        <LoadMore shown={list.rows.length} total={list.total} hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoadMore={() => void list.fetchNextPage()} />
      )}
    </>
  );
}

/** The contracts of one deal (for the deal detail page), each linking to its page; nothing without contracts:read. */
export function DealContracts({ dealId }: { dealId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  if (!can('contracts:read')) return null;
  return (
    <div data-testid="deal-contracts-section">
      <Typography.Title level={5}>{t('contracts.deal.title')}</Typography.Title>
      <DealContractList dealId={dealId} />
    </div>
  );
}
