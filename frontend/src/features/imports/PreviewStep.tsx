import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Flex, Row, Select, Space, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ImportRead, ImportRowRead } from '../../api/types';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { problemMessage, problemOf } from '../../lib/problem';
import { downloadErrorReport, useImportRows, type RowStatus } from './api';
import { CommitOutcomeLine, DateColumns } from './DateColumns';
import {
  actionsFor,
  effectiveAction,
  isFileDuplicate,
  type DateOrderChoice,
  type DuplicateAction,
  type DuplicateDefaults,
  type PreviewSummary,
} from './mapping';

interface DecisionProps {
  defaults: DuplicateDefaults;
  onDefaultsChange: (defaults: DuplicateDefaults) => void;
  decisions: Record<number, DuplicateAction>;
  onDecide: (row: number, action: DuplicateAction) => void;
}

/** The row's non-empty cells, in the file's column order. */
function Cells({ cells, headers }: { cells: Record<string, unknown>; headers: string[] }) {
  const filled = headers.map((header) => [header, cells[header]] as const).filter(([, value]) => value !== null && value !== undefined && value !== '');
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
      {filled.map(([header, value], index) => (
        <span key={header}>
          {index > 0 && ' · '}
          <Typography.Text style={{ fontSize: 12 }}>{header}</Typography.Text>: {String(value)}
        </span>
      ))}
    </Typography.Text>
  );
}

function Messages({ row }: { row: ImportRowRead }) {
  return (
    <Flex vertical>
      {row.errors && <Typography.Text type="danger">{row.errors}</Typography.Text>}
      {row.warnings && <Typography.Text type="warning">{row.warnings}</Typography.Text>}
    </Flex>
  );
}

function Match({ row }: { row: ImportRowRead }) {
  const { t } = useTranslation();
  if (isFileDuplicate(row)) return <span>{t('imports.preview.repeatsRow', { row: row.duplicate_of_row })}</span>;
  if (row.match_hidden) return <Typography.Text type="secondary">{t('imports.preview.hiddenMatch')}</Typography.Text>;
  if (row.match_id) return <Link to={`/customers/${row.match_id}`}>{row.match_name ?? row.match_id}</Link>;
  return null;
}

function RowsTable({ item, status, decisionProps }: { item: ImportRead; status: RowStatus; decisionProps?: DecisionProps }) {
  const { t } = useTranslation();
  const rows = useImportRows(item.id, status, item.preview_job_id ?? '');
  const columns: ColumnsType<ImportRowRead> = [
    { title: t('imports.preview.row'), dataIndex: 'row', key: 'row', width: 70 },
  ];
  if (status !== 'duplicate') {
    columns.push({ title: t('imports.preview.messages'), key: 'messages', width: 320, render: (_, row) => <Messages row={row} /> });
  }
  if (status === 'duplicate' && decisionProps) {
    const { decisions, defaults, onDecide } = decisionProps;
    columns.push(
      { title: t('imports.preview.match'), key: 'match', width: 220, render: (_, row) => <Match row={row} /> },
      {
        title: t('imports.preview.reason'),
        key: 'reason',
        width: 100,
        render: (_, row) =>
          isFileDuplicate(row) || !row.match_reason ? null : <Tag>{t(`duplicates.reason.${row.match_reason}`, { defaultValue: row.match_reason })}</Tag>,
      },
      {
        title: t('imports.preview.decision'),
        key: 'decision',
        width: 170,
        render: (_, row) => (
          <Select<DuplicateAction>
            data-testid={`decision-${row.row}`}
            size="small"
            style={{ width: 160 }}
            value={effectiveAction(row, decisions, defaults)}
            onChange={(action) => onDecide(row.row, action)}
            options={actionsFor(row).map((action) => ({ value: action, label: t(`imports.action.${action}`) }))}
          />
        ),
      },
    );
  }
  columns.push({ title: t('imports.preview.cells'), key: 'cells', render: (_, row) => <Cells cells={row.cells} headers={item.columns.map((column) => column.header)} /> });

  if (rows.isError) return <QueryError error={rows.error} onRetry={() => void rows.refetch()} />;
  return (
    <>
      <Table<ImportRowRead>
        data-testid={`rows-${status}`}
        rowKey="row"
        size="small"
        columns={columns}
        dataSource={rows.rows}
        loading={rows.loading}
        pagination={false}
        locale={{ emptyText: <Empty description={t('imports.preview.none')} /> }}
        scroll={{ x: 'max-content' }}
      />
      <LoadMore
        shown={rows.rows.length}
        total={rows.total}
        hasMore={rows.hasNextPage}
        loading={rows.isFetchingNextPage}
        onLoadMore={() => void rows.fetchNextPage()}
      />
    </>
  );
}

function DuplicateDefaultsForm({ defaults, onDefaultsChange }: Pick<DecisionProps, 'defaults' | 'onDefaultsChange'>) {
  const { t } = useTranslation();
  return (
    <Space wrap size="large" style={{ marginBottom: 12 }}>
      <Space>
        <Typography.Text>{t('imports.preview.onDuplicate')}</Typography.Text>
        <Select<DuplicateAction>
          data-testid="on-duplicate"
          style={{ width: 170 }}
          value={defaults.onDuplicate}
          onChange={(onDuplicate) => onDefaultsChange({ ...defaults, onDuplicate })}
          options={(['skip', 'update', 'create'] as const).map((action) => ({ value: action, label: t(`imports.action.${action}`) }))}
        />
      </Space>
      <Space>
        <Typography.Text>{t('imports.preview.onFileDuplicate')}</Typography.Text>
        <Select<DuplicateDefaults['onFileDuplicate']>
          data-testid="on-file-duplicate"
          style={{ width: 170 }}
          value={defaults.onFileDuplicate}
          onChange={(onFileDuplicate) => onDefaultsChange({ ...defaults, onFileDuplicate })}
          options={(['skip', 'create'] as const).map((action) => ({ value: action, label: t(`imports.action.${action}`) }))}
        />
      </Space>
    </Space>
  );
}

function SummaryStats({ summary }: { summary: PreviewSummary }) {
  const { t } = useTranslation();
  const stats: [keyof PreviewSummary, string, string?][] = [
    ['rows', t('imports.preview.rows')],
    ['valid', t('imports.preview.valid'), '#389e0d'],
    ['new', t('imports.preview.new'), '#389e0d'],
    ['errors', t('imports.preview.errors'), summary.errors > 0 ? '#cf1322' : undefined],
    ['warnings', t('imports.preview.warnings'), summary.warnings > 0 ? '#d48806' : undefined],
    ['duplicates_existing', t('imports.preview.duplicatesExisting')],
    ['duplicates_in_file', t('imports.preview.duplicatesInFile')],
  ];
  return (
    <Row gutter={[16, 16]} data-testid="preview-summary">
      {stats.map(([key, title, color]) => (
        <Col key={key} xs={12} sm={8} md={6} lg={3}>
          <Statistic title={title} value={summary[key] as number} styles={{ content: color ? { color } : undefined }} data-testid={`stat-${key}`} />
        </Col>
      ))}
      {summary.duplicates_hidden > 0 && (
        <Col xs={12} sm={8} md={6} lg={3}>
          <Statistic title={t('imports.preview.duplicatesHidden')} value={summary.duplicates_hidden} data-testid="stat-duplicates_hidden" />
        </Col>
      )}
    </Row>
  );
}

interface Props extends DecisionProps {
  item: ImportRead;
  summary: PreviewSummary;
  /** Previews again with this order for one date column (the rest of the options kept). */
  onDateOrder: (column: number, order: DateOrderChoice) => void;
  /** A new preview is being asked for: the choices wait for it. */
  previewing: boolean;
}

/**
 * Step 3: what the preview found — counts, what the commit will write, the date columns' orders,
 * notes, the flagged rows and the duplicate decisions.
 */
export function PreviewStep({ item, summary, onDateOrder, previewing, ...decisionProps }: Props) {
  const { t } = useTranslation();
  const [reportError, setReportError] = useState<string>();
  const [downloading, setDownloading] = useState(false);
  const duplicates = summary.duplicates_existing + summary.duplicates_in_file;
  const [tab, setTab] = useState<RowStatus>(summary.errors > 0 ? 'error' : duplicates > 0 ? 'duplicate' : 'warning');

  const downloadReport = async () => {
    setDownloading(true);
    setReportError(undefined);
    try {
      await downloadErrorReport(item.id);
    } catch (error) {
      setReportError(problemMessage(problemOf(error), t));
    } finally {
      setDownloading(false);
    }
  };

  return (
    <Flex vertical gap={16}>
      <SummaryStats summary={summary} />
      <CommitOutcomeLine summary={summary} defaults={decisionProps.defaults} decided={Object.keys(decisionProps.decisions).length} />
      <DateColumns columns={summary.date_columns ?? []} onChoose={onDateOrder} busy={previewing} />
      {item.same_file_imports && item.same_file_imports.length > 0 && <Alert type="warning" showIcon title={t('imports.sameFile')} data-testid="same-file" />}
      {summary.header_notes.length > 0 && (
        <Alert
          type="info"
          showIcon
          data-testid="header-notes"
          title={t('imports.preview.headerNotes')}
          description={summary.header_notes.map((note) => <div key={note}>{note}</div>)}
        />
      )}
      {summary.unmapped_columns.length > 0 && (
        <Typography.Text type="secondary" data-testid="unmapped-columns">
          {t('imports.preview.unmapped', { columns: summary.unmapped_columns.join(', ') })}
        </Typography.Text>
      )}
      {summary.errors > 0 && (
        <Space wrap>
          <Typography.Text>{t('imports.preview.errorsHint')}</Typography.Text>
          <Button icon={<DownloadOutlined />} loading={downloading} onClick={() => void downloadReport()} data-testid="error-report">
            {t('imports.preview.errorReport')}
          </Button>
          {reportError && <Typography.Text type="danger">{reportError}</Typography.Text>}
        </Space>
      )}
      <Card size="small">
        <Tabs
          activeKey={tab}
          onChange={(key) => setTab(key as RowStatus)}
          items={[
            {
              key: 'error',
              label: <span data-testid="tab-error">{t('imports.preview.tabs.error', { count: summary.errors })}</span>,
              children: <RowsTable item={item} status="error" />,
            },
            {
              key: 'duplicate',
              label: <span data-testid="tab-duplicate">{t('imports.preview.tabs.duplicate', { count: duplicates })}</span>,
              children: (
                <>
                  <DuplicateDefaultsForm defaults={decisionProps.defaults} onDefaultsChange={decisionProps.onDefaultsChange} />
                  <RowsTable item={item} status="duplicate" decisionProps={decisionProps} />
                </>
              ),
            },
            {
              key: 'warning',
              label: <span data-testid="tab-warning">{t('imports.preview.tabs.warning', { count: summary.warnings })}</span>,
              children: <RowsTable item={item} status="warning" />,
            },
          ]}
        />
      </Card>
    </Flex>
  );
}
