import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { useAuth } from '../auth/AuthContext';
import { useLeadList, type LeadFilters } from './api';
import { LeadFilterBar } from './LeadFilterBar';
import { LeadFormModal } from './LeadFormModal';
import { LeadTable } from './LeadTable';

export function LeadListPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [filters, setFilters] = useState<LeadFilters>({});
  const [creating, setCreating] = useState(false);
  const list = useLeadList(filters);

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('leads.title')}</Typography.Title>}
      extra={
        <Space>
          <Link to="/leads/pool">{t('leads.pool.link')}</Link>
          {can('leads:write') && (
            <Button type="primary" icon={<PlusOutlined />} data-testid="lead-new" onClick={() => setCreating(true)}>
              {t('leads.new')}
            </Button>
          )}
        </Space>
      }
    >
      <LeadFilterBar filters={filters} onChange={setFilters} />
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <LeadTable rows={list.rows} loading={list.loading} testId="lead-list" />
          <LoadMore
            shown={list.rows.length}
            total={list.total}
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoadMore={() => void list.fetchNextPage()}
          />
        </>
      )}
      {creating && <LeadFormModal onClose={() => setCreating(false)} />}
    </Card>
  );
}
