import { AppstoreOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Input, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { DealStatus } from '../../api/types';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { useAllUsers } from '../admin/api';
import { useAuth } from '../auth/AuthContext';
import { DEAL_STATUSES, useDealList, usePipelines, type DealFilters } from './api';
import { DealFormModal } from './DealFormModal';
import { DealTable } from './DealTable';

function DealFilterBar({ filters, onChange }: { filters: DealFilters; onChange: (filters: DealFilters) => void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const pipelines = usePipelines();
  const users = useAllUsers(can('users:read'));
  const stages = pipelines.data?.find((p) => p.id === filters.pipeline_id)?.stages ?? [];
  return (
    <Space wrap style={{ marginBottom: 12 }}>
      <Input.Search
        allowClear
        style={{ width: 240 }}
        placeholder={t('deals.searchPlaceholder')}
        data-testid="deal-search"
        onSearch={(value) => onChange({ ...filters, q: value.trim() || undefined })}
      />
      <Select
        allowClear
        style={{ width: 180 }}
        placeholder={t('deals.fields.pipeline')}
        data-testid="deal-pipeline-filter"
        value={filters.pipeline_id}
        onChange={(pipeline_id?: string) => onChange({ ...filters, pipeline_id, stage_id: undefined })}
        options={(pipelines.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
      />
      <Select
        allowClear
        style={{ width: 180 }}
        placeholder={filters.pipeline_id ? t('deals.fields.stage') : t('deals.pickPipelineFirst')}
        disabled={!filters.pipeline_id}
        data-testid="deal-stage-filter"
        value={filters.stage_id}
        onChange={(stage_id?: string) => onChange({ ...filters, stage_id })}
        options={stages.map((s) => ({ value: s.id, label: s.name }))}
      />
      <Select
        allowClear
        style={{ width: 140 }}
        placeholder={t('deals.fields.status')}
        data-testid="deal-status-filter"
        value={filters.status}
        onChange={(status?: DealStatus) => onChange({ ...filters, status })}
        options={DEAL_STATUSES.map((s) => ({ value: s, label: t(`deals.status.${s}`) }))}
      />
      {can('users:read') && (
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          style={{ width: 180 }}
          placeholder={t('deals.fields.owner')}
          data-testid="deal-owner-filter"
          value={filters.owner_id}
          onChange={(owner_id?: string) => onChange({ ...filters, owner_id })}
          options={(users.data ?? []).map((u) => ({ value: u.id, label: u.full_name }))}
        />
      )}
    </Space>
  );
}

export function DealListPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [filters, setFilters] = useState<DealFilters>({});
  const [creating, setCreating] = useState(false);
  const list = useDealList(filters);

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('deals.title')}</Typography.Title>}
      extra={
        <Space>
          <Link to="/deals/board">
            <AppstoreOutlined /> {t('deals.board.title')}
          </Link>
          {can('deals:write') && (
            <Button type="primary" icon={<PlusOutlined />} data-testid="deal-new" onClick={() => setCreating(true)}>
              {t('deals.new')}
            </Button>
          )}
        </Space>
      }
    >
      <DealFilterBar filters={filters} onChange={setFilters} />
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <DealTable rows={list.rows} loading={list.loading} testId="deal-list" />
          <LoadMore shown={list.rows.length} total={list.total} hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoadMore={() => void list.fetchNextPage()} />
        </>
      )}
      {creating && <DealFormModal onClose={() => setCreating(false)} />}
    </Card>
  );
}
