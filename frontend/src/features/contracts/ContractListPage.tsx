import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Input, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ContractStatus, ContractSummary } from '../../api/types';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { useAuth } from '../auth/AuthContext';
import { CONTRACT_STATUSES, useContractList, type ContractFilters } from './api';
import { ContractFormModal } from './ContractFormModal';
import { ContractStatusTag, CustomerLink, CustomerPicker, Money } from './parts';
import { day } from '../../lib/dates';

export function ContractListPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [filters, setFilters] = useState<ContractFilters>({});
  const [creating, setCreating] = useState(false);
  const list = useContractList(filters);
  const f = (key: string) => t(`contracts.fields.${key}`);

  const columns: ColumnsType<ContractSummary> = [
    { title: f('number'), dataIndex: 'number', render: (number: string, row) => <Link to={`/contracts/${row.id}`} data-testid="contract-row-link">{number}</Link> },
    { title: f('title'), dataIndex: 'title' },
    { title: f('customer'), key: 'customer', render: (_: unknown, row) => <CustomerLink id={row.customer_id} name={row.customer_name} /> },
    { title: f('status'), dataIndex: 'status', render: (status: ContractStatus) => <ContractStatusTag status={status} /> },
    { title: f('start_date'), dataIndex: 'start_date', render: day },
    { title: f('end_date'), dataIndex: 'end_date', render: day },
    { title: f('total'), dataIndex: 'total', align: 'right', render: (total: string, row) => <Money value={total} currency={row.currency} /> },
  ];

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('contracts.title')}</Typography.Title>}
      extra={
        can('contracts:write') && (
          <Button type="primary" icon={<PlusOutlined />} data-testid="contract-new" onClick={() => setCreating(true)}>
            {t('contracts.new')}
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          style={{ width: 240 }}
          placeholder={t('contracts.searchPlaceholder')}
          data-testid="contract-search"
          onSearch={(value) => setFilters({ ...filters, q: value.trim() || undefined })}
        />
        <Select
          allowClear
          style={{ width: 160 }}
          placeholder={f('status')}
          data-testid="contract-status-filter"
          value={filters.status}
          onChange={(status?: ContractStatus) => setFilters({ ...filters, status })}
          options={CONTRACT_STATUSES.map((s) => ({ value: s, label: t(`contracts.status.${s}`) }))}
        />
        {can('customers:read') && (
          <div style={{ width: 240 }}>
            <CustomerPickerFilter value={filters.customer_id} onChange={(customer_id) => setFilters({ ...filters, customer_id })} />
          </div>
        )}
      </Space>
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Table<ContractSummary> rowKey="id" size="small" columns={columns} dataSource={list.rows} loading={list.loading} pagination={false} data-testid="contract-list" />
          <LoadMore shown={list.rows.length} total={list.total} hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoadMore={() => void list.fetchNextPage()} />
        </>
      )}
      {creating && <ContractFormModal onClose={() => setCreating(false)} />}
    </Card>
  );
}

/** The customer filter: a customer search with a clear button. */
function CustomerPickerFilter({ value, onChange }: { value?: string; onChange: (id: string | undefined) => void }) {
  const { t } = useTranslation();
  return (
    <Space.Compact style={{ width: '100%' }}>
      <div style={{ flex: 1 }}>
        <CustomerPicker value={value} onChange={onChange} testId="contract-customer-filter" />
      </div>
      {value && <Button onClick={() => onChange(undefined)}>{t('contracts.clearCustomer')}</Button>}
    </Space.Compact>
  );
}
