import { MergeCellsOutlined, ScanOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, Progress, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { DuplicateGroupRead } from '../../api/types';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { useAuth } from '../auth/AuthContext';
import { isFinished, useDuplicateGroups, useJob, useStartScan } from './api';
import { ReasonTags } from './PossibleDuplicates';

type Member = DuplicateGroupRead['members'][number];

/** The scan's progress bar and outcome; refreshes the groups once it has finished. */
function ScanStatus({ jobId, onFinished }: { jobId: string; onFinished: () => void }) {
  const { t } = useTranslation();
  const job = useJob(jobId);
  const status = job.data?.status;
  useEffect(() => {
    if (status === 'succeeded') onFinished();
  }, [status, onFinished]);
  if (!job.data) return null;
  if (status === 'failed') {
    return <Alert type="error" showIcon title={t('duplicates.scanFailed', { error: job.data.error ?? '' })} data-testid="scan-failed" />;
  }
  if (status === 'succeeded') {
    const result = job.data.result ?? {};
    return (
      <Alert
        type="success"
        showIcon
        data-testid="scan-done"
        title={t('duplicates.scanDone', { groups: String(result.groups ?? 0), scanned: String(result.scanned ?? 0) })}
      />
    );
  }
  return (
    <div data-testid="scan-running">
      <Typography.Text>{t('duplicates.scanRunning')}</Typography.Text>
      <Progress percent={job.data.progress} status={isFinished(status) ? undefined : 'active'} />
    </div>
  );
}

export function DuplicatesPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const groups = useDuplicateGroups();
  const scan = useStartScan();
  const [jobId, setJobId] = useState<string | null>(null);
  const canMerge = can('customers:merge');

  const columns: ColumnsType<Member> = [
    {
      title: t('customers.fields.name'),
      key: 'name',
      render: (_, member) => <Link to={`/customers/${member.customer.id}`}>{member.customer.name}</Link>,
    },
    { title: t('customers.fields.phone'), key: 'phone', render: (_, member) => member.customer.phone },
    { title: t('customers.fields.email'), key: 'email', render: (_, member) => member.customer.email },
    { title: t('duplicates.reasons'), key: 'reasons', render: (_, member) => <ReasonTags reasons={member.reasons} /> },
    { title: t('duplicates.score'), key: 'score', render: (_, member) => Math.round(member.score) },
  ];

  return (
    <Card
      title={t('duplicates.title')}
      extra={
        canMerge && (
          <Button
            icon={<ScanOutlined />}
            loading={scan.isPending}
            data-testid="start-scan"
            onClick={() => scan.mutate(undefined, { onSuccess: (started) => setJobId(started.job_id) })}
          >
            {t('duplicates.startScan')}
          </Button>
        )
      }
    >
      <Flex vertical gap={16}>
        {jobId && <ScanStatus jobId={jobId} onFinished={() => void groups.refetch()} />}
        {groups.isError && <QueryError error={groups.error} onRetry={() => void groups.refetch()} />}
        {!groups.isPending && groups.rows.length === 0 && <Empty description={t('duplicates.noGroups')} />}
        {groups.rows.map((group, index) => (
          <Card
            key={group.id}
            size="small"
            data-testid="duplicate-group"
            title={
              <span>
                {t('duplicates.group')} {index + 1} · {t('duplicates.members', { count: group.members.length })} · {t('duplicates.score')}{' '}
                {Math.round(group.score)} <ReasonTags reasons={group.reasons} />
              </span>
            }
            extra={
              canMerge && (
                <Button
                  size="small"
                  icon={<MergeCellsOutlined />}
                  data-testid="merge-group"
                  onClick={() => navigate(`/customers/merge?ids=${group.members.map((m) => m.customer.id).join(',')}`)}
                >
                  {t('duplicates.merge')}
                </Button>
              )
            }
          >
            <Table<Member> rowKey={(member) => member.customer.id} columns={columns} dataSource={group.members} pagination={false} size="small" />
          </Card>
        ))}
        <LoadMore
          shown={groups.rows.length}
          total={groups.total}
          hasMore={groups.hasNextPage}
          loading={groups.isFetchingNextPage}
          onLoadMore={() => void groups.fetchNextPage()}
        />
      </Flex>
    </Card>
  );
}
