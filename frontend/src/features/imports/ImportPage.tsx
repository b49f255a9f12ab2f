import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Flex, Progress, Row, Select, Space, Spin, Statistic, Steps, Table, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { ImportObjectType, ImportOptions, ImportRead } from '../../api/types';
import { QueryError } from '../../components/QueryError';
import { problemMessage, problemOf } from '../../lib/problem';
import {
  downloadTemplate,
  importKeys,
  isBusy,
  useCancelImport,
  useCommit,
  useImport,
  useImportJob,
  useObjectTypes,
  usePreview,
  useUpload,
  type TemplateFormat,
} from './api';
import {
  commitRequest,
  initialMapping,
  storedOptions,
  summaryOf,
  withDateOrder,
  type ColumnMapping,
  type DateOrderChoice,
  type DuplicateAction,
  type DuplicateDefaults,
} from './mapping';
import { MappingStep, useMappingProblems } from './MappingStep';
import { PreviewStep } from './PreviewStep';

const DEFAULT_OBJECT_TYPE = 'customers';

/** The wizard's step for an import opened by its address, from where the import stands. */
function stepFor(item: ImportRead | undefined): number {
  if (!item) return 0;
  if (item.status === 'uploaded') return 1;
  if (item.status === 'previewing' || item.status === 'previewed') return 2;
  if (item.status === 'failed') return item.commit_job_id ? 3 : 2;
  return 3;
}
const DEFAULT_OPTIONS: ImportOptions = { phone_region: null, day_first: null };
const DEFAULT_DECISIONS: DuplicateDefaults = { onDuplicate: 'skip', onFileDuplicate: 'skip' };

/** Where the records of an object type are listed (the result links back there). */
const LIST_PATHS: Record<string, string> = { customers: '/customers', contacts: '/contacts' };

interface CommitResult {
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  batches: { first_row: number; last_row: number; created: number; updated: number; skipped: number }[];
  finished: boolean;
}

// --- step 1: object type, template, file ----------------------------------------------------------

function UploadStep({
  types,
  objectType,
  onObjectTypeChange,
  onUploaded,
}: {
  types: ImportObjectType[];
  objectType: string;
  onObjectTypeChange: (objectType: string) => void;
  onUploaded: (item: ImportRead) => void;
}) {
  const { t, i18n } = useTranslation();
  const upload = useUpload();
  const [templateError, setTemplateError] = useState<string>();

  const template = async (format: TemplateFormat) => {
    setTemplateError(undefined);
    try {
      await downloadTemplate(objectType, format, i18n.language);
    } catch (error) {
      setTemplateError(problemMessage(problemOf(error), t));
    }
  };

  return (
    <Flex vertical gap={16}>
      <Space wrap>
        <Typography.Text>{t('imports.objectType')}</Typography.Text>
        <Select<string>
          data-testid="import-object-type"
          style={{ width: 200 }}
          value={objectType}
          onChange={onObjectTypeChange}
          options={types.map((type) => ({ value: type.object_type, label: type.label }))}
        />
      </Space>
      <Space wrap>
        <Typography.Text>{t('imports.template')}</Typography.Text>
        <Button icon={<DownloadOutlined />} onClick={() => void template('csv')} data-testid="template-csv">
          {t('imports.templateCsv')}
        </Button>
        <Button icon={<DownloadOutlined />} onClick={() => void template('xlsx')} data-testid="template-xlsx">
          {t('imports.templateXlsx')}
        </Button>
        <Typography.Text type="secondary">{t('imports.templateHint')}</Typography.Text>
      </Space>
      {templateError && <Alert type="error" showIcon title={t('imports.templateFailed')} description={templateError} />}
      <div data-testid="import-upload">
        <Upload.Dragger
          accept=".csv,.txt,.xlsx,.xls,.xlsm,.ods"
          multiple={false}
          maxCount={1}
          showUploadList={false}
          disabled={upload.isPending}
          beforeUpload={(file) => {
            upload.mutate({ file, objectType }, { onSuccess: onUploaded });
            return false; // the mutation sends it, with the token
          }}
        >
          <p className="ant-upload-drag-icon">{upload.isPending ? <Spin /> : <InboxOutlined />}</p>
          <p className="ant-upload-text">{upload.isPending ? t('imports.uploading') : t('imports.drop')}</p>
          <p className="ant-upload-hint">{t('imports.dropHint')}</p>
        </Upload.Dragger>
      </div>
      {upload.isError && (
        <Alert type="error" showIcon data-testid="upload-error" title={t('imports.uploadFailed')} description={problemMessage(problemOf(upload.error), t)} />
      )}
    </Flex>
  );
}

// --- steps 4 and 5: writing, and what was written --------------------------------------------------

function CommitProgress({ item, onCancel, cancelling }: { item: ImportRead; onCancel: () => void; cancelling: boolean }) {
  const { t } = useTranslation();
  const job = useImportJob(item.commit_job_id, isBusy(item.status));
  const total = job.data?.total;
  return (
    <Flex vertical gap={12} data-testid="commit-progress">
      <Typography.Text>{t('imports.commit.running')}</Typography.Text>
      <Progress percent={job.data?.progress ?? 0} status="active" />
      <Typography.Text type="secondary">
        {item.status === 'cancelling'
          ? t('imports.commit.cancelling')
          : total
            ? t('imports.commit.progress', { done: job.data?.done ?? 0, total })
            : t('imports.commit.preparing')}
      </Typography.Text>
      <div>
        <Button danger onClick={onCancel} loading={cancelling} disabled={item.status === 'cancelling'} data-testid="cancel-import">
          {t('imports.commit.cancel')}
        </Button>
      </div>
    </Flex>
  );
}

function ResultStep({ item, onStartOver }: { item: ImportRead; onStartOver: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  useEffect(() => {
    // The list pages must show what the import wrote.
    void queryClient.invalidateQueries({ queryKey: [item.object_type] });
  }, [queryClient, item.object_type]);
  const result = (item.result as CommitResult | null) ?? { created: 0, updated: 0, skipped: 0, rejected: 0, batches: [], finished: false };
  const counts = [
    ['created', '#389e0d'],
    ['updated', '#1677ff'],
    ['skipped', undefined],
    ['rejected', result.rejected > 0 ? '#cf1322' : undefined],
  ] as const;
  return (
    <Flex vertical gap={16} data-testid="import-result">
      {item.status === 'cancelled' ? (
        <Alert type="warning" showIcon title={t('imports.result.cancelled')} data-testid="import-cancelled" />
      ) : (
        <Alert type="success" showIcon title={t('imports.result.done')} />
      )}
      <Row gutter={16}>
        {counts.map(([key, color]) => (
          <Col key={key} xs={12} sm={6}>
            <Statistic title={t(`imports.result.${key}`)} value={result[key]} styles={{ content: color ? { color } : undefined }} data-testid={`result-${key}`} />
          </Col>
        ))}
      </Row>
      {result.batches.length > 0 && (
        <Table
          size="small"
          title={() => t('imports.result.batches')}
          rowKey="first_row"
          pagination={false}
          dataSource={result.batches}
          columns={[
            {
              title: t('imports.preview.row'),
              key: 'rows',
              render: (_, batch) => t('imports.result.batchRows', { first: batch.first_row, last: batch.last_row }),
            },
            { title: t('imports.result.created'), dataIndex: 'created', key: 'created' },
            { title: t('imports.result.updated'), dataIndex: 'updated', key: 'updated' },
            { title: t('imports.result.skipped'), dataIndex: 'skipped', key: 'skipped' },
          ]}
        />
      )}
      <Space>
        <Link to={LIST_PATHS[item.object_type] ?? '/'} data-testid="result-to-list">
          <Button type="primary">{t('imports.result.toList')}</Button>
        </Link>
        <Button onClick={onStartOver} data-testid="import-again">
          {t('imports.startOver')}
        </Button>
      </Space>
    </Flex>
  );
}

function Failed({ title, error, onBack, backLabel }: { title: string; error: string | null | undefined; onBack: () => void; backLabel: string }) {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={12}>
      <Alert type="error" showIcon data-testid="import-failed" title={title} description={error || t('imports.preview.failedUnknown')} />
      <div>
        <Button onClick={onBack} data-testid="import-back">
          {backLabel}
        </Button>
      </div>
    </Flex>
  );
}

// --- the wizard ------------------------------------------------------------------------------------

/**
 * The import wizard: upload a file, map its columns, preview what would happen (errors,
 * duplicates and what to do with them), write it, and see what was written.
 */
export function ImportPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const types = useObjectTypes();
  // The import is in the address, so a reload (or a link) comes back to it.
  const importId = params.get('id') ?? undefined;
  // null: the step follows from the import's status (an import opened by its address).
  const [chosenStep, setStep] = useState<number | null>(importId ? null : 0);
  // null: the import's own mapping (its last preview's, else the suggestions) until one is chosen.
  const [chosenMapping, setMapping] = useState<ColumnMapping | null>(null);
  // null: the options the import was last previewed with (none yet: the defaults) until changed.
  const [chosenOptions, setOptions] = useState<ImportOptions | null>(null);
  const [defaults, setDefaults] = useState<DuplicateDefaults>(DEFAULT_DECISIONS);
  const [decisions, setDecisions] = useState<Record<number, DuplicateAction>>({});
  const current = useImport(importId);
  const item = importId ? current.data : undefined;
  const step = importId ? (chosenStep ?? stepFor(item)) : 0;
  const mapping = chosenMapping ?? (item ? initialMapping(item.columns, item.mapping ?? item.suggested_mapping) : {});
  const options = chosenOptions ?? (item ? storedOptions(item) : DEFAULT_OPTIONS);
  const objectType = item?.object_type ?? (params.get('object_type') || DEFAULT_OBJECT_TYPE);
  const type = types.data?.find((candidate) => candidate.object_type === objectType) ?? types.data?.[0];

  const preview = usePreview();
  const commit = useCommit();
  const cancel = useCancelImport();
  const fields = type?.fields ?? [];
  const mappingProblems = useMappingProblems(mapping, fields);

  const remember = (read: ImportRead) => queryClient.setQueryData(importKeys.one(read.id), read);

  const onUploaded = (read: ImportRead) => {
    remember(read);
    const updated = new URLSearchParams(params);
    updated.set('id', read.id);
    setParams(updated);
    setMapping(null);
    setOptions(null); // a date column's order belongs to the file it was chosen for
    setDecisions({});
    preview.reset();
    setStep(1);
  };

  const startPreview = (previewOptions: ImportOptions = options) => {
    if (!importId) return;
    preview.mutate(
      { id: importId, mapping, options: previewOptions },
      {
        onSuccess: (read) => {
          remember(read);
          setDecisions({});
          setStep(2);
        },
      },
    );
  };

  /** One date column's order chosen in the preview: the file is previewed again with it. */
  const chooseDateOrder = (column: number, order: DateOrderChoice) => {
    const next = withDateOrder(options, column, order);
    setOptions(next);
    startPreview(next);
  };

  const startCommit = () => {
    if (!importId) return;
    commit.mutate(
      { id: importId, body: commitRequest(defaults, decisions) },
      {
        onSuccess: (read) => {
          remember(read);
          setStep(3);
        },
      },
    );
  };

  const stop = () => {
    if (!importId) return;
    cancel.mutate(importId, {
      onSuccess: (read) => {
        remember(read);
        if (read.status === 'uploaded') setStep(1); // a stopped preview: map again
      },
    });
  };

  const startOver = () => {
    const updated = new URLSearchParams(params);
    updated.delete('id');
    setParams(updated);
    setMapping(null);
    setOptions(null);
    setDefaults(DEFAULT_DECISIONS);
    setDecisions({});
    preview.reset();
    commit.reset();
    setStep(0);
  };

  const chooseObjectType = (next: string) => {
    const updated = new URLSearchParams(params);
    updated.set('object_type', next);
    setParams(updated, { replace: true });
  };

  const status = item?.status;
  const finished = step === 3 && (status === 'committed' || status === 'cancelled');
  const shownStep = finished ? 4 : step;
  const summary = item ? summaryOf(item) : null;

  let body: React.ReactNode;
  let footer: React.ReactNode = null;
  if (types.isError) {
    body = <QueryError error={types.error} onRetry={() => void types.refetch()} />;
  } else if (types.isPending) {
    body = <Spin />;
  } else if (!type) {
    body = <Alert type="info" showIcon title={t('imports.noObjectTypes')} />;
  } else if (importId && !item) {
    body = current.isError ? null : <Spin />;
  } else if (step === 0 || !item) {
    body = <UploadStep types={types.data} objectType={type.object_type} onObjectTypeChange={chooseObjectType} onUploaded={onUploaded} />;
  } else if (step === 1) {
    body = (
      <Flex vertical gap={12}>
        <Typography.Text type="secondary" data-testid="file-info">
          {item.total_rows == null
            ? t('imports.fileInfoUncounted', { filename: item.filename, columns: item.columns.length, headerRow: item.header_row })
            : t('imports.fileInfo', { filename: item.filename, rows: item.total_rows, columns: item.columns.length, headerRow: item.header_row })}
        </Typography.Text>
        <MappingStep columns={item.columns} fields={fields} mapping={mapping} onMappingChange={setMapping} options={options} onOptionsChange={setOptions} />
        {preview.isError && <Alert type="error" showIcon data-testid="preview-error" title={problemMessage(problemOf(preview.error), t)} description={problemOf(preview.error).errors.map((error) => <div key={error.msg}>{error.msg}</div>)} />}
      </Flex>
    );
    footer = (
      <>
        <Button onClick={() => setStep(0)} data-testid="import-back">
          {t('imports.back')}
        </Button>
        <Button type="primary" disabled={mappingProblems.length > 0} loading={preview.isPending} onClick={() => startPreview()} data-testid="import-preview">
          {t('imports.mapping.preview')}
        </Button>
      </>
    );
  } else if (step === 2) {
    if (status === 'failed') {
      body = <Failed title={t('imports.preview.failed')} error={item.error} onBack={() => setStep(1)} backLabel={t('imports.back')} />;
    } else if (status === 'previewed' && summary) {
      body = (
        <PreviewStep
          item={item}
          summary={summary}
          defaults={defaults}
          onDefaultsChange={setDefaults}
          decisions={decisions}
          onDecide={(row, action) => setDecisions((previous) => ({ ...previous, [row]: action }))}
          onDateOrder={chooseDateOrder}
          previewing={preview.isPending}
        />
      );
      footer = (
        <>
          <Button onClick={() => setStep(1)} data-testid="import-back">
            {t('imports.back')}
          </Button>
          <Button type="primary" loading={commit.isPending} onClick={startCommit} data-testid="import-commit">
            {t('imports.preview.commit')}
          </Button>
        </>
      );
    } else {
      body = (
        <Flex vertical gap={12} align="start" data-testid="preview-running">
          <Space>
            <Spin />
            <Typography.Text>{t('imports.preview.running')}</Typography.Text>
          </Space>
          <Button onClick={stop} loading={cancel.isPending}>
            {t('imports.preview.cancel')}
          </Button>
        </Flex>
      );
    }
    if (preview.isError) {
      // A date order chosen here was refused: say why above what the last preview found.
      body = (
        <Flex vertical gap={12}>
          <Alert type="error" showIcon data-testid="preview-error" title={problemMessage(problemOf(preview.error), t)} />
          {body}
        </Flex>
      );
    }
    if (commit.isError) {
      body = (
        <Flex vertical gap={12}>
          <Alert type="error" showIcon data-testid="commit-error" title={t('imports.commit.failed')} description={problemMessage(problemOf(commit.error), t)} />
          {body}
        </Flex>
      );
    }
  } else if (finished) {
    body = <ResultStep item={item} onStartOver={startOver} />;
  } else if (status === 'failed') {
    body = <Failed title={t('imports.commit.failed')} error={item.error} onBack={() => setStep(1)} backLabel={t('imports.commit.backToMapping')} />;
  } else {
    body = <CommitProgress item={item} onCancel={stop} cancelling={cancel.isPending} />;
  }

  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{type ? `${t('imports.title')} · ${type.label}` : t('imports.title')}</Typography.Title>}>
      <Flex vertical gap={24}>
        <Steps
          data-testid="import-steps"
          current={shownStep}
          items={[
            { title: t('imports.steps.upload') },
            { title: t('imports.steps.mapping') },
            { title: t('imports.steps.preview') },
            { title: t('imports.steps.commit') },
            { title: t('imports.steps.result') },
          ]}
        />
        {current.isError && <QueryError error={current.error} onRetry={() => void current.refetch()} />}
        {cancel.isError && <Alert type="error" showIcon title={problemMessage(problemOf(cancel.error), t)} />}
        <div>{body}</div>
        {footer && <Flex gap={8} justify="flex-end">{footer}</Flex>}
      </Flex>
    </Card>
  );
}
