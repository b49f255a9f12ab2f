import { ImportOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Input, Select, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ImportRead, ImportStatus } from '../../api/types';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { useImportList, useObjectTypes } from './api';

const STATUSES: ImportStatus[] = ['uploaded', 'previewing', 'previewed', 'committing', 'cancelling', 'committed', 'cancelled', 'failed'];

const STATUS_COLORS: Partial<Record<ImportStatus, string>> = {
  previewing: 'processing',
  committing: 'processing',
  cancelling: 'warning',
  committed: 'success',
  cancelled: 'default',
  failed: 'error',
};

interface Outcome {
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
}

/** The imports the user may see, newest first; each opens in the wizard where it stands. */
export function ImportListPage() {
  const { t } = useTranslation();
  const [q, setQ] = useState<string>();
  const [status, setStatus] = useState<ImportStatus>();
  const list = useImportList({ q, status });
  const types = useObjectTypes();
  const typeLabel = (objectType: string) => types.data?.find((type) => type.object_type === objectType)?.label ?? objectType;

  const columns: ColumnsType<ImportRead> = [
    {
      title: t('imports.history.file'),
      dataIndex: 'filename',
      render: (filename: string, item) => (
        <Flex vertical>
          <Link to={`/imports/new?id=${item.id}`} data-testid="import-history-open">
            {filename}
          </Link>
          {item.files_expired_at && <Typography.Text type="secondary">{t('imports.history.expired')}</Typography.Text>}
        </Flex>
      ),
    },
    { title: t('imports.history.objectType'), dataIndex: 'object_type', render: (objectType: string) => typeLabel(objectType) },
    {
      title: t('imports.history.status'),
      dataIndex: 'status',
      render: (value: ImportStatus, item) => (
        <Tooltip title={item.error ?? undefined}>
          <Tag color={STATUS_COLORS[value]} data-testid="import-history-status">
            {t(`imports.history.statuses.${value}`)}
          </Tag>
        </Tooltip>
      ),
    },
    { title: t('imports.history.rows'), dataIndex: 'total_rows', align: 'right' },
    {
      title: t('imports.history.outcome'),
      key: 'outcome',
      render: (_, item) => {
        const result = item.result as Outcome | null;
        if (!result) return null;
        const { created, updated, skipped, rejected } = result;
        return t('imports.history.outcomeCounts', { created, updated, skipped, rejected });
      },
    },
    { title: t('imports.history.createdAt'), dataIndex: 'created_at', render: (value: string) => dayjs(value).format('YYYY-MM-DD HH:mm') },
  ];

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('imports.history.title')}</Typography.Title>}
      extra={
        <Link to="/imports/new">
          <Button type="primary" icon={<ImportOutlined />} data-testid="import-history-new">
            {t('imports.history.newImport')}
          </Button>
        </Link>
      }
    >
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <Input.Search allowClear style={{ width: 280 }} placeholder={t('imports.history.search')} onSearch={(value) => setQ(value.trim() || undefined)} />
        <Select<ImportStatus>
          allowClear
          style={{ width: 180 }}
          placeholder={t('imports.history.allStatuses')}
          value={status}
          onChange={(value) => setStatus(value)}
          options={STATUSES.map((value) => ({ value, label: t(`imports.history.statuses.${value}`) }))}
          data-testid="import-history-status-filter"
        />
      </Flex>
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Table<ImportRead> rowKey="id" size="small" columns={columns} dataSource={list.rows} loading={list.loading} pagination={false} />
          <LoadMore shown={list.rows.length} total={list.total} hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoadMore={() => void list.fetchNextPage()} />
        </>
      )}
    </Card>
  );
}
