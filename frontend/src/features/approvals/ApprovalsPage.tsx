import { App, Button, Card, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ApprovalRead, ApprovalStatus } from '../../api/types';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { useAuth } from '../auth/AuthContext';
import { formatMoney, formatPercent } from '../../lib/money';
import { APPROVAL_STATUSES, useApprovalList, type ApprovalBox } from './api';
import { DecisionModal } from './DecisionModal';

export const APPROVAL_STATUS_COLORS: Record<ApprovalStatus, string> = { pending: 'gold', approved: 'green', rejected: 'red', cancelled: 'default' };

const str = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);

/** What the request is about: for quotes the discount asked against the policy and the amount. */
function Subject({ request }: { request: ApprovalRead }) {
  const { t, i18n } = useTranslation();
  const data = request.data;
  const discount = str(data.effective_discount_percent);
  const threshold = str(data.threshold_percent);
  const total = str(data.total);
  const currency = str(data.currency);
  return (
    <Space direction="vertical" size={0}>
      <Space wrap>
        <Tag>{t(`approvals.kinds.${request.object_type}`, { defaultValue: request.object_type })}</Tag>
        {request.link ? (
          <Link to={request.link} data-testid="approval-link">
            {request.summary}
          </Link>
        ) : (
          <span>{request.summary}</span>
        )}
      </Space>
      {discount !== undefined && (
        <Typography.Text data-testid="approval-discount">
          {t('approvals.discountVsPolicy', { discount: formatPercent(discount), threshold: threshold ? formatPercent(threshold) : '—' })}
        </Typography.Text>
      )}
      {total !== undefined && currency && (
        <Typography.Text data-testid="approval-amount">{t('approvals.amount', { amount: formatMoney(total, currency, i18n.language) })}</Typography.Text>
      )}
      <Typography.Text type="secondary">{request.reason}</Typography.Text>
    </Space>
  );
}

function ApprovalTable({ box, status }: { box: ApprovalBox; status?: ApprovalStatus }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const list = useApprovalList({ box, status });
  const [deciding, setDeciding] = useState<{ request: ApprovalRead; approve: boolean } | null>(null);
  const mayDecide = box === 'inbox' && can('approvals:decide');

  const columns: ColumnsType<ApprovalRead> = [
    { title: t('approvals.subject'), key: 'subject', render: (_: unknown, request) => <Subject request={request} /> },
    { title: t('approvals.requestedAt'), dataIndex: 'created_at', render: (value: string) => dayjs(value).format('YYYY-MM-DD HH:mm') },
    {
      title: t('approvals.status'),
      dataIndex: 'status',
      render: (value: ApprovalStatus, request) => (
        <Space direction="vertical" size={0}>
          <Tag color={APPROVAL_STATUS_COLORS[value]} data-testid="approval-status">
            {t(`approvals.statuses.${value}`, { defaultValue: value })}
          </Tag>
          {request.comment && <Typography.Text type="secondary">{t('approvals.commentWas', { comment: request.comment })}</Typography.Text>}
        </Space>
      ),
    },
  ];
  if (mayDecide) {
    columns.push({
      title: '',
      key: 'actions',
      render: (_: unknown, request) =>
        request.status === 'pending' && (
          <Space>
            <Button type="primary" size="small" data-testid="approval-approve" onClick={() => setDeciding({ request, approve: true })}>
              {t('approvals.approve')}
            </Button>
            <Button danger size="small" data-testid="approval-reject" onClick={() => setDeciding({ request, approve: false })}>
              {t('approvals.reject')}
            </Button>
          </Space>
        ),
    });
  }

  if (list.isError) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <>
      <Table<ApprovalRead>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={list.rows}
        loading={list.loading}
        pagination={false}
        data-testid={`approval-list-${box}`}
        onRow={() => ({ 'data-testid': 'approval-row' }) as HTMLAttributes<HTMLElement>}
        locale={{ emptyText: box === 'inbox' ? t('approvals.inboxEmpty') : t('approvals.empty') }}
      />
      <LoadMore shown={list.rows.length} total={list.total} hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoadMore={() => void list.fetchNextPage()} />
      {deciding && (
        <DecisionModal
          request={deciding.request}
          approve={deciding.approve}
          onClose={() => setDeciding(null)}
          onDone={(approved) => {
            setDeciding(null);
            void message.success(approved ? t('approvals.approved') : t('approvals.rejected'));
          }}
        />
      )}
    </>
  );
}

/** `/approvals`: requests waiting for my decision, my own requests, and every one I may see. */
export function ApprovalsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const decider = can('approvals:decide');
  const [tab, setTab] = useState<ApprovalBox>(decider ? 'inbox' : 'requested');
  const [status, setStatus] = useState<ApprovalStatus | undefined>();
  const filter = (
    <Select
      allowClear
      style={{ width: 180, marginBottom: 12 }}
      placeholder={t('approvals.status')}
      data-testid="approval-status-filter"
      value={status}
      onChange={(value?: ApprovalStatus) => setStatus(value)}
      options={APPROVAL_STATUSES.map((s) => ({ value: s, label: t(`approvals.statuses.${s}`) }))}
    />
  );
  const items = [
    ...(decider
      ? [{ key: 'inbox', label: <span data-testid="approval-tab-inbox">{t('approvals.tabs.inbox')}</span>, children: <ApprovalTable box="inbox" status="pending" /> }]
      : []),
    {
      key: 'requested',
      label: <span data-testid="approval-tab-requested">{t('approvals.tabs.requested')}</span>,
      children: (
        <>
          {filter}
          <ApprovalTable box="requested" status={status} />
        </>
      ),
    },
    {
      key: 'all',
      label: <span data-testid="approval-tab-all">{t('approvals.tabs.all')}</span>,
      children: (
        <>
          {filter}
          <ApprovalTable box="all" status={status} />
        </>
      ),
    },
  ];
  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('approvals.title')}</Typography.Title>}>
      <Tabs activeKey={tab} onChange={(key) => setTab(key as ApprovalBox)} items={items} destroyOnHidden />
    </Card>
  );
}
