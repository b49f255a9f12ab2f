import { DownloadOutlined, ExportOutlined } from '@ant-design/icons';
import { Alert, Button, Dropdown, Modal, Progress, Space, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { toSupportedLanguage } from '../../i18n';
import { problemMessage, problemOf } from '../../lib/problem';
import { useAuth } from '../auth/AuthContext';
import { downloadExport, isFinished, useExportJob, useStartExport, type ExportFormat, type ExportObjectType } from './api';

/** Permissions an export of each object type needs (as the server checks them). */
const REQUIRED: Record<ExportObjectType, string[]> = {
  customers: ['customers:export'],
  contacts: ['customers:export', 'contacts:read'],
};

interface Props {
  objectType: ExportObjectType;
  /** The list's current filters, search and sort, exactly as its list request sends them. */
  filters: Record<string, string | undefined>;
}

function definedOnly(filters: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1])));
}

/** "Export" menu (CSV / Excel) of a list: starts an export job, follows it, offers the file. */
export function ExportButton({ objectType, filters }: Props) {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const start = useStartExport();
  const [jobId, setJobId] = useState<string>();
  const [open, setOpen] = useState(false);
  const job = useExportJob(jobId);
  const [downloadError, setDownloadError] = useState<string>();
  const [downloading, setDownloading] = useState(false);

  if (!REQUIRED[objectType].every(can)) return null;

  const begin = (format: ExportFormat) => {
    setJobId(undefined);
    setDownloadError(undefined);
    setOpen(true);
    start.mutate(
      { object_type: objectType, format, header: 'labels', filters: definedOnly(filters), language: toSupportedLanguage(i18n.language) },
      { onSuccess: (created) => setJobId(created.id) },
    );
  };

  const download = async () => {
    if (!jobId) return;
    setDownloading(true);
    setDownloadError(undefined);
    try {
      const result = job.data?.result as { filename?: string } | null | undefined;
      await downloadExport(jobId, result?.filename ?? `${objectType}-export`);
    } catch (error) {
      setDownloadError(problemMessage(problemOf(error), t));
    } finally {
      setDownloading(false);
    }
  };

  const current = job.data;
  const rows = (current?.result as { rows?: number } | null | undefined)?.rows ?? 0;
  let body: ReactNode;
  if (start.isError) {
    body = <Alert type="error" showIcon title={t('exports.failed')} description={problemMessage(problemOf(start.error), t)} />;
  } else if (job.isError) {
    body = <Alert type="error" showIcon title={t('exports.failed')} description={problemMessage(problemOf(job.error), t)} />;
  } else if (current?.status === 'failed' || current?.status === 'cancelled') {
    body = <Alert type="error" showIcon title={t('exports.failed')} description={current.error || t('exports.failedUnknown')} />;
  } else if (current?.status === 'succeeded') {
    body = (
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Progress percent={100} />
        <Typography.Text data-testid="export-ready">{t('exports.ready', { count: rows })}</Typography.Text>
        {downloadError && <Alert type="error" showIcon title={downloadError} />}
      </Space>
    );
  } else {
    const total = current?.total;
    body = (
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Progress percent={current?.progress ?? 0} status="active" />
        <Typography.Text type="secondary" data-testid="export-progress">
          {total ? t('exports.progress', { done: current?.done ?? 0, total }) : t('exports.preparing')}
        </Typography.Text>
      </Space>
    );
  }

  const finished = isFinished(current);
  return (
    <>
      <Dropdown
        trigger={['click']}
        menu={{
          items: [
            { key: 'csv', label: t('exports.csv') },
            { key: 'xlsx', label: t('exports.xlsx') },
          ],
          onClick: ({ key }) => begin(key as ExportFormat),
        }}
      >
        <Button icon={<ExportOutlined />} data-testid={`export-${objectType}`}>
          {t('exports.button')}
        </Button>
      </Dropdown>
      {jobId && !open && (
        <Button type="link" onClick={() => setOpen(true)} data-testid="export-reopen">
          {finished ? t('exports.showLast') : t('exports.running', { progress: current?.progress ?? 0 })}
        </Button>
      )}
      <Modal
        open={open}
        title={t(`exports.title.${objectType}`)}
        onCancel={() => setOpen(false)}
        footer={[
          <Button key="close" onClick={() => setOpen(false)} data-testid="export-close">
            {finished || start.isError ? t('exports.close') : t('exports.background')}
          </Button>,
          current?.status === 'succeeded' && (
            <Button key="download" type="primary" icon={<DownloadOutlined />} loading={downloading} onClick={() => void download()} data-testid="export-download">
              {t('exports.download')}
            </Button>
          ),
        ]}
      >
        {body}
      </Modal>
    </>
  );
}
