import { ImportOutlined, PlusOutlined, TagsOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Input, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType, SorterResult } from 'antd/es/table/interface';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { CustomerRead } from '../../api/types';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { useAuth } from '../auth/AuthContext';
import { ExportButton } from '../exports/ExportButton';
import { useTags } from '../customfields/api';
import { BulkTagModal } from '../customfields/BulkTagModal';
import { TagChips } from '../customfields/TagChips';
import { useCustomerList, type CustomerFilters, type CustomerKind } from './api';
import { enumLabel } from '../../lib/enums';

type FilterKey = 'q' | 'kind' | 'industry' | 'source' | 'tag' | 'sort';
const DEFAULT_SORT = '-updated_at';

function filtersFrom(params: URLSearchParams): CustomerFilters {
  const filters: CustomerFilters = { sort: params.get('sort') || DEFAULT_SORT };
  for (const key of ['q', 'industry', 'source', 'tag'] as const) {
    const value = params.get(key)?.trim();
    if (value) filters[key] = value;
  }
  const kind = params.get('kind');
  if (kind === 'company' || kind === 'person') filters.kind = kind;
  return filters;
}

function sortOrderOf(sort: string | undefined, field: string): 'ascend' | 'descend' | null {
  if (sort === field) return 'ascend';
  if (sort === `-${field}`) return 'descend';
  return null;
}

export function CustomerListPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const list = useCustomerList(filters);
  const tags = useTags('customer');
  const [selected, setSelected] = useState<string[]>([]);
  const [bulkOpen, setBulkOpen] = useState(false);
  // The bulk action applies to what the list shows: its filters, without the sort order.
  const listFilter = { q: filters.q, kind: filters.kind, industry: filters.industry, source: filters.source, tag: filters.tag };

  const setFilter = (key: FilterKey, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  const columns: ColumnsType<CustomerRead> = [
    {
      title: t('customers.fields.name'),
      dataIndex: 'name',
      key: 'name',
      sorter: true,
      sortOrder: sortOrderOf(filters.sort, 'name'),
      render: (name: string, customer) => <Link to={`/customers/${customer.id}`}>{name}</Link>,
    },
    {
      title: t('customers.fields.kind'),
      dataIndex: 'kind',
      key: 'kind',
      width: 90,
      render: (kind: CustomerKind) => t(`customers.kind.${kind}`),
    },
    { title: t('customers.fields.phone'), dataIndex: 'phone', key: 'phone' },
    { title: t('customers.fields.email'), dataIndex: 'email', key: 'email' },
    { title: t('customers.fields.city'), dataIndex: 'city', key: 'city' },
    { title: t('customers.fields.industry'), dataIndex: 'industry', key: 'industry', render: (value: string | null) => enumLabel('industry', value) },
    { title: t('customers.fields.source'), dataIndex: 'source', key: 'source', render: (value: string | null) => enumLabel('source', value) },
    {
      title: t('customers.fields.tags'),
      dataIndex: 'tags',
      key: 'tags',
      render: (names: string[]) => <TagChips tags={names} />,
    },
    {
      title: t('customers.fields.updatedAt'),
      dataIndex: 'updated_at',
      key: 'updated_at',
      sorter: true,
      sortOrder: sortOrderOf(filters.sort, 'updated_at'),
      render: (value: string) => dayjs(value).format('YYYY-MM-DD HH:mm'),
    },
  ];

  const onSort = (sorter: SorterResult<CustomerRead> | SorterResult<CustomerRead>[]) => {
    const single = Array.isArray(sorter) ? sorter[0] : sorter;
    const field = single?.columnKey;
    if (!single?.order || typeof field !== 'string') return setFilter('sort', undefined);
    setFilter('sort', single.order === 'descend' ? `-${field}` : field);
  };

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('customers.title')}</Typography.Title>}
      extra={
        <Space>
          {can('customers:import') && (
            <Button icon={<ImportOutlined />} onClick={() => navigate('/imports/new?object_type=customers')} data-testid="import-customers">
              {t('imports.button')}
            </Button>
          )}
          <ExportButton objectType="customers" filters={{ ...filters }} />
          {can('customers:write') && (
            <Button icon={<TagsOutlined />} onClick={() => setBulkOpen(true)} data-testid="bulk-tag">
              {t('tags.bulk')}
            </Button>
          )}
          {can('customers:write') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/customers/new')} data-testid="new-customer">
              {t('customers.new')}
            </Button>
          )}
        </Space>
      }
    >
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <Input.Search
          key={`q-${params.get('q') ?? ''}`}
          data-testid="customer-search"
          allowClear
          style={{ width: 280 }}
          placeholder={t('customers.searchPlaceholder')}
          defaultValue={params.get('q') ?? ''}
          onSearch={(value) => setFilter('q', value.trim())}
        />
        <Select<CustomerKind>
          allowClear
          style={{ width: 140 }}
          placeholder={t('customers.fields.kind')}
          value={filters.kind}
          onChange={(value) => setFilter('kind', value)}
          options={[
            { value: 'company', label: t('customers.kind.company') },
            { value: 'person', label: t('customers.kind.person') },
          ]}
        />
        <Input.Search
          key={`industry-${params.get('industry') ?? ''}`}
          allowClear
          style={{ width: 180 }}
          placeholder={t('customers.fields.industry')}
          defaultValue={params.get('industry') ?? ''}
          onSearch={(value) => setFilter('industry', value.trim())}
        />
        <Input.Search
          key={`source-${params.get('source') ?? ''}`}
          allowClear
          style={{ width: 180 }}
          placeholder={t('customers.fields.source')}
          defaultValue={params.get('source') ?? ''}
          onSearch={(value) => setFilter('source', value.trim())}
        />
        <Select<string>
          allowClear
          showSearch
          style={{ width: 180 }}
          placeholder={t('tags.filter')}
          value={filters.tag}
          onChange={(value) => setFilter('tag', value)}
          data-testid="tag-filter"
          options={(tags.data ?? []).map((tag) => ({ value: tag.name, label: <TagChips tags={[tag.name]} /> }))}
        />
      </Flex>
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Table<CustomerRead>
            data-testid="customer-table"
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={list.rows}
            loading={list.loading}
            pagination={false}
            onChange={(_pagination, _filters, sorter) => onSort(sorter)}
            rowSelection={
              can('customers:write') ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) } : undefined
            }
            scroll={{ x: 'max-content' }}
          />
          {bulkOpen && (
            <BulkTagModal
              filter={listFilter}
              ids={selected}
              onClose={() => {
                setBulkOpen(false);
                setSelected([]);
              }}
            />
          )}
          <LoadMore
            shown={list.rows.length}
            total={list.total}
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoadMore={() => void list.fetchNextPage()}
          />
        </>
      )}
    </Card>
  );
}
