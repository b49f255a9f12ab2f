import { PlusOutlined } from '@ant-design/icons';
import { Button, Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { useAuth } from '../auth/AuthContext';
import { useQuoteList } from './api';
import { QuoteTable } from './QuoteTable';

/** The quotes of a deal (current revisions), for the deal detail page. */
export function DealQuotes({ dealId }: { dealId: string }) {
  const { can } = useAuth();
  return can('quotes:read') ? <DealQuotesCard dealId={dealId} /> : null;
}

function DealQuotesCard({ dealId }: { dealId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const list = useQuoteList({ dealId });
  return (
    <Card
      size="small"
      title={t('quotes.dealQuotes')}
      data-testid="deal-quotes"
      extra={
        can('quotes:write') && (
          <Link to={`/quotes/new?deal_id=${encodeURIComponent(dealId)}`}>
            <Button size="small" type="primary" icon={<PlusOutlined />} data-testid="deal-quote-new">
              {t('quotes.new')}
            </Button>
          </Link>
        )
      }
    >
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <QuoteTable rows={list.rows} loading={list.loading} testId="deal-quote" />
          {list.hasNextPage && (
            <LoadMore shown={list.rows.length} total={list.total} hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoadMore={() => void list.fetchNextPage()} />
          )}
        </>
      )}
    </Card>
  );
}
