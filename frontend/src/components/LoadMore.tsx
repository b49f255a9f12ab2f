import { Button, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

interface LoadMoreProps {
  shown: number;
  total: number | null | undefined;
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
}

/** Footer of a cursor-paged list: how many rows are shown and a "load more" button while next_cursor is set. */
export function LoadMore({ shown, total, hasMore, loading, onLoadMore }: LoadMoreProps) {
  const { t } = useTranslation();
  return (
    <Space style={{ marginTop: 12, width: '100%', justifyContent: 'space-between' }}>
      <Typography.Text type="secondary" data-testid="list-count">
        {total != null ? t('common.shownOfTotal', { shown, total }) : t('common.shown', { shown })}
      </Typography.Text>
      {hasMore && (
        <Button onClick={onLoadMore} loading={loading} data-testid="load-more">
          {t('common.loadMore')}
        </Button>
      )}
    </Space>
  );
}
