import { HistoryOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Space, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ActivityKind, TimelineItem } from '../../api/types';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { useAuth } from '../auth/AuthContext';
import { ActivityFormModal } from './ActivityFormModal';
import { useTimeline } from './api';
import { KIND_ICONS } from './kinds';

function ActivityEntry({ item }: { item: TimelineItem }) {
  const { t } = useTranslation();
  const data = item.data as { body?: string | null; outcome?: string | null; duration_minutes?: number | null; location?: { address?: string | null } | null };
  return (
    <Space vertical size={2} style={{ width: '100%' }}>
      <Space wrap>
        <Tag>{t(`activities.kind.${item.kind}`, { defaultValue: item.kind })}</Tag>
        <Typography.Text strong>{item.title}</Typography.Text>
        {data.duration_minutes != null && <Typography.Text type="secondary">{t('activities.minutes', { count: data.duration_minutes })}</Typography.Text>}
      </Space>
      {data.location?.address && <Typography.Text type="secondary">{data.location.address}</Typography.Text>}
      {data.outcome && (
        <Typography.Text>
          {t('activities.fields.outcome')}: {data.outcome}
        </Typography.Text>
      )}
      {data.body && <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{data.body}</Typography.Paragraph>}
    </Space>
  );
}

function EventEntry({ item }: { item: TimelineItem }) {
  const { t } = useTranslation();
  // Known event types are translated; those of later domains fall back to the server's title.
  return <Typography.Text type="secondary">{t(`timeline.events.${item.kind.replace('.', '_')}`, { defaultValue: item.title })}</Typography.Text>;
}

/** The customer's timeline: activities and recorded events, newest first, with "load more". */
export function CustomerTimeline({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const timeline = useTimeline(customerId);
  const [logging, setLogging] = useState(false);

  const items = timeline.rows.map((item) => ({
    key: item.id,
    color: item.type === 'activity' ? 'blue' : 'gray',
    icon: item.type === 'activity' ? KIND_ICONS[item.kind as ActivityKind] : <HistoryOutlined />,
    content: (
      <div data-testid="timeline-item" data-type={item.type}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {dayjs(item.occurred_at).format('YYYY-MM-DD HH:mm')}
          {item.actor ? ` · ${item.actor.name}` : ''}
        </Typography.Text>
        <div>{item.type === 'activity' ? <ActivityEntry item={item} /> : <EventEntry item={item} />}</div>
      </div>
    ),
  }));

  return (
    <Card
      size="small"
      title={t('timeline.title')}
      extra={
        can('activities:write') && (
          <Button size="small" type="primary" icon={<PlusOutlined />} onClick={() => setLogging(true)} data-testid="log-activity">
            {t('activities.log')}
          </Button>
        )
      }
    >
      {timeline.isError ? (
        <QueryError error={timeline.error} onRetry={() => void timeline.refetch()} />
      ) : timeline.rows.length === 0 && !timeline.loading ? (
        <Empty description={t('timeline.empty')} />
      ) : (
        <div data-testid="customer-timeline">
          <Timeline items={items} />
          <LoadMore
            shown={timeline.rows.length}
            total={null}
            hasMore={timeline.hasNextPage}
            loading={timeline.isFetchingNextPage}
            onLoadMore={() => void timeline.fetchNextPage()}
          />
        </div>
      )}
      {logging && <ActivityFormModal customerId={customerId} onClose={() => setLogging(false)} />}
    </Card>
  );
}
