import { ArrowRightOutlined } from '@ant-design/icons';
import { Flex, Skeleton, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { StageChangeRead, StageRead } from '../../api/types';
import { QueryError } from '../../components/QueryError';
import { useStageHistory } from './api';
import { humanizeSeconds } from './format';

/** The deal's stage changes (from → to, by, when, time spent in the stage left) and time per stage. */
export function StageHistoryTable({ dealId, stages }: { dealId: string; stages: StageRead[] }) {
  const { t } = useTranslation();
  const history = useStageHistory(dealId);
  const byId = new Map(stages.map((stage) => [stage.id, stage.name]));
  const stageName = (id: string | null, key: string | null) => (id ? (byId.get(id) ?? key ?? id.slice(0, 8)) : t('deals.history.created'));

  const columns: ColumnsType<StageChangeRead> = [
    {
      title: t('deals.history.change'),
      key: 'change',
      render: (_: unknown, row) => (
        <Flex gap={6} align="center" wrap data-testid="deal-history-change">
          <span>{stageName(row.from_stage_id, row.from_stage_key)}</span>
          <ArrowRightOutlined />
          <span>{stageName(row.to_stage_id, row.to_stage_key)}</span>
        </Flex>
      ),
    },
    { title: t('deals.history.by'), dataIndex: 'changed_by_name', render: (name: string | null) => name ?? '—' },
    { title: t('deals.history.when'), dataIndex: 'changed_at', render: (value: string) => dayjs(value).format('YYYY-MM-DD HH:mm') },
    {
      title: t('deals.history.spent'),
      dataIndex: 'seconds_in_previous_stage',
      render: (seconds: number | null) => <span data-testid="deal-history-spent">{humanizeSeconds(seconds, t)}</span>,
    },
    { title: t('deals.history.note'), dataIndex: 'note', render: (note: string | null) => note ?? '—' },
  ];

  if (history.isPending) return <Skeleton active />;
  if (history.isError) return <QueryError error={history.error} onRetry={() => void history.refetch()} />;
  const { changes, time_in_stages } = history.data;
  return (
    <>
      {time_in_stages.length > 0 && (
        <Flex gap={8} wrap style={{ marginBottom: 12 }} data-testid="deal-time-in-stages">
          <Typography.Text type="secondary">{t('deals.history.timeInStages')}</Typography.Text>
          {time_in_stages.map((item) => (
            <Tag key={item.stage_id}>
              {stageName(item.stage_id, item.stage_key)}: {humanizeSeconds(item.seconds, t)}
            </Tag>
          ))}
        </Flex>
      )}
      <Table<StageChangeRead>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={changes}
        pagination={false}
        data-testid="deal-history"
        locale={{ emptyText: t('deals.history.none') }}
        onRow={() => ({ 'data-testid': 'deal-history-row' }) as HTMLAttributes<HTMLElement>}
        scroll={{ x: true }}
      />
    </>
  );
}
