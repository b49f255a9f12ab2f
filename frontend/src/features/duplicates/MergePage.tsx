import { Alert, App, Button, Card, Flex, Popconfirm, Radio, Skeleton, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { useQueries } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { CustomerRead, MergeResult } from '../../api/types';
import { FormProblem } from '../../components/FormProblem';
import { QueryError } from '../../components/QueryError';
import { problemOf } from '../../lib/problem';
import type { ServerErrorState } from '../../lib/useServerErrors';
import { useMerge, useUndoMerge } from './api';

/** The fields a merge takes from one of the records (the server's list, less derived ones). */
export const MERGE_FIELDS = [
  'name',
  'kind',
  'phone',
  'email',
  'province',
  'city',
  'district',
  'address',
  'industry',
  'source',
  'notes',
  'owner_id',
] as const;
type MergeField = (typeof MERGE_FIELDS)[number];

const filled = (value: unknown) => value !== null && value !== undefined && value !== '';

/** The record each field is taken from when nobody chose: the survivor's, else the first filled one. */
export function defaultSources(records: CustomerRead[], survivorId: string): Record<MergeField, string> {
  const survivor = records.find((r) => r.id === survivorId) ?? records[0];
  const others = records.filter((r) => r.id !== survivor.id);
  const sources = {} as Record<MergeField, string>;
  for (const field of MERGE_FIELDS) {
    const source = filled(survivor[field]) ? survivor : (others.find((r) => filled(r[field])) ?? survivor);
    sources[field] = source.id;
  }
  return sources;
}

function MergeDone({ result, survivorName }: { result: MergeResult; survivorName: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const undo = useUndoMerge();
  const moved = Object.entries(result.moved)
    .map(([column, count]) => `${column.split('.')[0]} ${count}`)
    .join(', ');
  if (undo.isSuccess) {
    return (
      <Alert
        type="info"
        showIcon
        data-testid="merge-undone"
        title={t('duplicates.undone')}
        description={<Link to="/customers/duplicates">{t('duplicates.backToDuplicates')}</Link>}
      />
    );
  }
  return (
    <Alert
      type="success"
      showIcon
      data-testid="merge-done"
      title={t('duplicates.mergedInto', { name: survivorName })}
      description={
        <Flex vertical gap={8}>
          <Typography.Text>{moved ? t('duplicates.moved', { moved }) : t('duplicates.movedNone')}</Typography.Text>
          {undo.isError && <QueryError error={undo.error} />}
          <Flex gap={8}>
            <Link to={`/customers/${result.survivor.id}`} data-testid="open-survivor">
              <Button type="primary">{t('duplicates.openSurvivor')}</Button>
            </Link>
            <Button
              data-testid="undo-merge"
              loading={undo.isPending}
              onClick={() => undo.mutate(result.audit_id, { onSuccess: () => void message.success(t('duplicates.undone')) })}
            >
              {t('duplicates.undo')}
            </Button>
          </Flex>
        </Flex>
      }
    />
  );
}

function MergeChooser({ records }: { records: CustomerRead[] }) {
  const { t } = useTranslation();
  const [survivorId, setSurvivorId] = useState(records[0].id);
  const [chosen, setChosen] = useState<Partial<Record<MergeField, string>>>({});
  const merge = useMerge();
  // No form to put field errors on: every problem goes into the banner.
  const [serverError, setServerError] = useState<ServerErrorState | null>(null);
  const sources = { ...defaultSources(records, survivorId), ...chosen };
  const survivor = records.find((r) => r.id === survivorId) ?? records[0];
  const tags = [...new Set([survivor, ...records.filter((r) => r.id !== survivorId)].flatMap((r) => r.tags))];

  if (merge.isSuccess) return <MergeDone result={merge.data} survivorName={merge.data.survivor.name} />;

  const submit = () => {
    setServerError(null);
    merge.mutate(
      {
        survivor_id: survivorId,
        merged_ids: records.filter((r) => r.id !== survivorId).map((r) => r.id),
        fields: sources,
        survivor_version: survivor.version,
      },
      {
        onError: (error) => {
          const problem = problemOf(error);
          setServerError({ problem, unmatched: problem.errors });
        },
      },
    );
  };

  const columns: ColumnsType<MergeField> = [
    { title: t('duplicates.field'), key: 'field', render: (_, field) => t(`customers.fields.${field}`, { defaultValue: field }) },
    ...records.map((record) => ({
      key: record.id,
      title: (
        <Radio
          checked={record.id === survivorId}
          onChange={() => {
            setSurvivorId(record.id);
            setChosen({});
          }}
          data-testid={`survivor-${record.id}`}
        >
          {t('duplicates.survivor')}: {record.name}
        </Radio>
      ),
      render: (_: unknown, field: MergeField) => {
        const value = record[field];
        return (
          <Radio
            checked={sources[field] === record.id}
            onChange={() => setChosen((current) => ({ ...current, [field]: record.id }))}
            data-testid={`choose-${field}-${record.id}`}
          >
            {filled(value) ? String(value) : <Typography.Text type="secondary">—</Typography.Text>}
          </Radio>
        );
      },
    })),
  ];

  return (
    <Flex vertical gap={16}>
      <Typography.Paragraph type="secondary">{t('duplicates.mergeHint')}</Typography.Paragraph>
      <FormProblem error={serverError} />
      <Table<MergeField> rowKey={(field) => field} columns={columns} dataSource={[...MERGE_FIELDS]} pagination={false} size="small" data-testid="merge-table" />
      <div>
        <Typography.Text strong>{t('duplicates.tagsUnion')}: </Typography.Text>
        {tags.map((tag) => (
          <Tag key={tag}>{tag}</Tag>
        ))}
      </div>
      <Popconfirm title={t('duplicates.confirmMerge', { count: records.length - 1 })} onConfirm={submit} okButtonProps={{ 'data-testid': 'confirm-merge' }}>
        <Button type="primary" danger loading={merge.isPending} data-testid="merge-submit" style={{ alignSelf: 'flex-start' }}>
          {t('duplicates.merge')}
        </Button>
      </Popconfirm>
    </Flex>
  );
}

export function MergePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const ids = [...new Set((params.get('ids') ?? '').split(',').filter(Boolean))];
  // Their own keys, read once: the merge invalidates every customer query, and the merged
  // records answering 404 afterwards must not replace the result on this page.
  const records = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['merge-candidates', id],
      staleTime: Infinity,
      queryFn: () => unwrap(api.GET('/api/v1/customers/{customer_id}', { params: { path: { customer_id: id } } })),
    })),
  });
  const failed = records.find((query) => query.isError);
  let body;
  if (ids.length < 2) body = <Alert type="info" showIcon title={t('duplicates.needTwo')} />;
  else if (failed?.error) body = <QueryError error={failed.error} onRetry={() => void failed.refetch()} />;
  else if (records.some((query) => query.isPending)) body = <Skeleton active />;
  else body = <MergeChooser records={records.map((query) => query.data as CustomerRead)} />;
  return (
    <Card title={t('duplicates.mergeTitle')} extra={<Button onClick={() => navigate('/customers/duplicates')}>{t('duplicates.backToDuplicates')}</Button>}>
      {body}
    </Card>
  );
}
