import { Card, DatePicker, Segmented, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { ForecastRow } from '../../api/types';
import { QueryError } from '../../components/QueryError';
import { useDepartments } from '../admin/api';
import { useAuth } from '../auth/AuthContext';
import { useUserName } from '../admin/userNames';
import { useForecast, usePipelines, type ForecastQuery } from './api';
import { formatMoney } from '../../lib/money';

type GroupBy = ForecastQuery['group_by'];

/**
 * The weighted pipeline: per expected close month, owner or department, and currency, the
 * server's sums of the amounts and of amount × stage probability (shown as computed, no client
 * arithmetic on money).
 */
export function ForecastPage() {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const pipelines = usePipelines();
  const [pipelineId, setPipelineId] = useState<string | undefined>(undefined);
  const [groupBy, setGroupBy] = useState<GroupBy>('owner');
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>([dayjs().startOf('month'), dayjs().add(5, 'month').endOf('month')]);
  const query: ForecastQuery = {
    group_by: groupBy,
    pipeline_id: pipelineId,
    from: range?.[0] ? range[0].startOf('month').format('YYYY-MM-DD') : undefined,
    to: range?.[1] ? range[1].endOf('month').format('YYYY-MM-DD') : undefined,
  };
  const forecast = useForecast(query);
  const userName = useUserName(groupBy === 'owner');
  const departments = useDepartments(groupBy === 'department' && can('departments:read'));
  const groupName = (id: string | null) => {
    if (!id) return t('deals.forecast.noGroup');
    if (groupBy === 'owner') return userName(id);
    return departments.data?.find((d) => d.id === id)?.name ?? id.slice(0, 8);
  };

  const columns: ColumnsType<ForecastRow> = [
    { title: t('deals.forecast.month'), dataIndex: 'month' },
    { title: groupBy === 'owner' ? t('deals.forecast.byOwner') : t('deals.forecast.byDepartment'), dataIndex: 'group_id', render: (id: string | null) => groupName(id) },
    { title: t('deals.forecast.currency'), dataIndex: 'currency' },
    { title: t('deals.forecast.deals'), dataIndex: 'deals', align: 'right' },
    { title: t('deals.forecast.amount'), key: 'amount', align: 'right', render: (_: unknown, row) => formatMoney(row.amount, row.currency, i18n.language) },
    {
      title: t('deals.forecast.weighted'),
      key: 'weighted',
      align: 'right',
      render: (_: unknown, row) => <strong data-testid="forecast-weighted">{formatMoney(row.weighted, row.currency, i18n.language)}</strong>,
    },
  ];

  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('deals.forecast.title')}</Typography.Title>}>
      <Typography.Paragraph type="secondary">{t('deals.forecast.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          style={{ minWidth: 200 }}
          placeholder={t('deals.forecast.allPipelines')}
          data-testid="forecast-pipeline"
          value={pipelineId}
          onChange={setPipelineId}
          options={(pipelines.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
        />
        <Segmented<GroupBy>
          data-testid="forecast-group-by"
          value={groupBy}
          onChange={setGroupBy}
          options={[
            { value: 'owner', label: t('deals.forecast.byOwner') },
            { value: 'department', label: t('deals.forecast.byDepartment') },
          ]}
        />
        <DatePicker.RangePicker picker="month" value={range} onChange={(value) => setRange(value)} aria-label={t('deals.forecast.range')} data-testid="forecast-range" />
      </Space>
      {forecast.isError ? (
        <QueryError error={forecast.error} onRetry={() => void forecast.refetch()} />
      ) : (
        <Table<ForecastRow>
          rowKey={(row) => `${row.month}-${row.group_id ?? ''}-${row.currency}`}
          size="small"
          columns={columns}
          dataSource={forecast.data?.rows ?? []}
          loading={forecast.isPending}
          pagination={false}
          locale={{ emptyText: t('deals.forecast.empty') }}
          onRow={() => ({ 'data-testid': 'forecast-row' }) as HTMLAttributes<HTMLElement>}
        />
      )}
    </Card>
  );
}
