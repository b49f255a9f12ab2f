import { Card, Input, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { QuoteStatus } from '../../api/types';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { QUOTE_STATUSES, useQuoteList, type QuoteFilters } from './api';
import { QuoteTable } from './QuoteTable';

/** `/quotes`: the current revisions of the quotes on the deals the user may see. */
export function QuoteListPage() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<QuoteFilters>({});
  const list = useQuoteList(filters);
  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('quotes.title')}</Typography.Title>}>
      <Typography.Paragraph type="secondary">{t('quotes.listHint')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          style={{ width: 220 }}
          placeholder={t('quotes.numberPlaceholder')}
          data-testid="quote-number-filter"
          onSearch={(value) => setFilters({ ...filters, number: value.trim() || undefined })}
        />
        <Select
          allowClear
          style={{ width: 200 }}
          placeholder={t('quotes.fields.status')}
          data-testid="quote-status-filter"
          value={filters.status}
          onChange={(status?: QuoteStatus) => setFilters({ ...filters, status })}
          options={QUOTE_STATUSES.map((s) => ({ value: s, label: t(`quotes.status.${s}`) }))}
        />
      </Space>
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <QuoteTable rows={list.rows} loading={list.loading} testId="quote-list" showDeal />
          <LoadMore shown={list.rows.length} total={list.total} hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoadMore={() => void list.fetchNextPage()} />
        </>
      )}
    </Card>
  );
}
