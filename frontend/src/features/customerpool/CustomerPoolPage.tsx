import { Alert, App, Button, Card, Input, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { PoolCustomerRead } from '../../api/types';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { problemMessage, problemOf } from '../../lib/problem';
import { useAuth } from '../auth/AuthContext';
import { useUserName } from '../admin/userNames';
import { useClaimCustomer, useOwnershipCaps, usePolicyLevels, usePoolList, type PoolFilters } from './api';
import { AssignFromPoolModal } from './AssignFromPoolModal';

type Refusal = { kind: 'cap' | 'conflict' | 'other'; detail: string; name: string };

/** Customers without an owner (公海): salespeople claim them, managers assign them. */
export function CustomerPoolPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const [filters, setFilters] = useState<PoolFilters>({});
  const [refused, setRefused] = useState<Refusal | null>(null);
  const [assigning, setAssigning] = useState<PoolCustomerRead | null>(null);
  const list = usePoolList(filters);
  const caps = useOwnershipCaps();
  const levels = usePolicyLevels();
  const claim = useClaimCustomer();
  const userName = useUserName();
  const mayClaim = can('customers:claim');
  const mayAssign = can('customers:assign') && can('users:read');
  const mine = caps.data?.mine;

  const onClaim = (customer: PoolCustomerRead) => {
    setRefused(null);
    claim.mutate(customer.id, {
      onSuccess: () => void message.success(t('customerPool.claimed', { name: customer.name })),
      onError: (error) => {
        const problem = problemOf(error);
        const detail = problemMessage(problem, t);
        const kind = problem.status === 422 ? 'cap' : problem.status === 409 ? 'conflict' : 'other';
        setRefused({ kind, detail, name: customer.name });
      },
    });
  };

  const refusalText = (refusal: Refusal) => {
    if (refusal.kind === 'conflict') return t('customerPool.claimConflict', { name: refusal.name, detail: refusal.detail });
    if (refusal.kind === 'cap') {
      const figures = mine && mine.cap != null ? ` ${t('customerPool.capFigures', { owned: mine.owned, cap: mine.cap })}` : '';
      return `${t('customerPool.claimCapReached', { name: refusal.name, detail: refusal.detail })}${figures}`;
    }
    return t('customerPool.claimFailed', { name: refusal.name, detail: refusal.detail });
  };

  const columns: ColumnsType<PoolCustomerRead> = [
    { title: t('customerPool.fields.name'), dataIndex: 'name', render: (name: string) => <span data-testid="pool-row-name">{name}</span> },
    { title: t('customerPool.fields.level'), dataIndex: 'level', render: (level: string | null) => (level ? <Tag>{level}</Tag> : '—') },
    {
      title: t('customerPool.fields.region'),
      key: 'region',
      render: (_: unknown, c) => [c.province, c.city].filter(Boolean).join(' / ') || '—',
    },
    {
      title: t('customerPool.fields.returnedAt'),
      dataIndex: 'returned_to_pool_at',
      render: (at: string | null) => (at ? dayjs(at).format('YYYY-MM-DD HH:mm') : '—'),
    },
    {
      title: t('customerPool.fields.previousOwner'),
      dataIndex: 'previous_owner_id',
      render: (id: string | null) => (id ? userName(id) : '—'),
    },
  ];
  if (mayClaim || mayAssign) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, c) => (
        <Space>
          {mayClaim && (
            <Button size="small" type="primary" data-testid="pool-claim" loading={claim.isPending && claim.variables === c.id} onClick={() => onClaim(c)}>
              {t('customerPool.claim')}
            </Button>
          )}
          {mayAssign && (
            <Button size="small" data-testid="pool-assign" onClick={() => setAssigning(c)}>
              {t('customerPool.assign.button')}
            </Button>
          )}
        </Space>
      ),
    });
  }

  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('customerPool.title')}</Typography.Title>}>
      <Typography.Paragraph type="secondary">{t('customerPool.intro')}</Typography.Paragraph>
      {mayClaim && mine && (
        <Typography.Paragraph data-testid="pool-my-cap">
          {mine.cap != null ? t('customerPool.capFigures', { owned: mine.owned, cap: mine.cap }) : t('customerPool.noCap', { owned: mine.owned })}
        </Typography.Paragraph>
      )}
      {refused && (
        <Alert
          type="warning"
          showIcon
          closable
          onClose={() => setRefused(null)}
          title={refusalText(refused)}
          data-testid="pool-claim-refused"
          style={{ marginBottom: 12 }}
        />
      )}
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          style={{ width: 260 }}
          placeholder={t('customerPool.searchPlaceholder')}
          data-testid="pool-search"
          onSearch={(value) => setFilters({ ...filters, q: value.trim() || undefined })}
        />
        <Input.Search
          allowClear
          style={{ width: 160 }}
          placeholder={t('customerPool.fields.level')}
          data-testid="pool-level-filter"
          list="customer-pool-levels"
          onSearch={(value) => setFilters({ ...filters, level: value.trim() || undefined })}
        />
        <datalist id="customer-pool-levels">
          {levels.map((level) => (
            <option key={level} value={level} />
          ))}
        </datalist>
      </Space>
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Table<PoolCustomerRead>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={list.rows}
            loading={list.loading}
            pagination={false}
            onRow={() => ({ 'data-testid': 'pool-row' }) as HTMLAttributes<HTMLElement>}
          />
          <LoadMore
            shown={list.rows.length}
            total={list.total}
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoadMore={() => void list.fetchNextPage()}
          />
        </>
      )}
      {assigning && <AssignFromPoolModal customer={assigning} onClose={() => setAssigning(null)} />}
    </Card>
  );
}
