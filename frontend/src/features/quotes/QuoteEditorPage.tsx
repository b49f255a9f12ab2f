import { CheckOutlined, PrinterOutlined, SendOutlined, SolutionOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import type { QuoteRead, QuoteSummary } from '../../api/types';
import { NotFound } from '../../components/NotFound';
import { QueryError } from '../../components/QueryError';
import { isApiError, problemMessage, problemOf, type Problem } from '../../lib/problem';
import { mayDecideOn } from '../approvals/api';
import { DecisionModal } from '../approvals/DecisionModal';
import { useAuth } from '../auth/AuthContext';
import { useCustomer } from '../customers/api';
import {
  EDITABLE_STATUSES,
  fetchQuoteHtml,
  REVISING_STATUSES,
  useCreateQuote,
  useDeal,
  useQuote,
  useQuoteAction,
  useQuoteApproval,
  useQuoteRevisions,
  useUpdateQuote,
  type QuoteAction,
} from './api';
import { formatMoney, formatPercent } from '../../lib/money';
import { time } from '../../lib/dates';
import { createBody, QuoteForm, updateBody, type QuoteFormValues } from './QuoteForm';
import { QuoteStatusTag } from './QuoteStatusTag';


/** Opens the server-rendered HTML in a new window from a Blob URL (fetched with the bearer token). */
async function openPrintable(id: string): Promise<void> {
  // Opened before the request so popup blockers see it come from the click.
  const win = window.open('', '_blank');
  try {
    const html = await fetchQuoteHtml(id);
    const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
    if (win) win.location.href = url;
    else window.open(url, '_blank');
    window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    win?.close();
    throw error;
  }
}

/** The approval request of a quote: awaiting, or decided with the approver's comment. */
function ApprovalState({ quote }: { quote: QuoteRead }) {
  const { t } = useTranslation();
  const { me, can } = useAuth();
  const { message } = App.useApp();
  const [deciding, setDeciding] = useState<boolean | null>(null);
  const approval = useQuoteApproval(quote.approval_id, quote.status);
  if (quote.status === 'pending_approval') {
    const request = approval.data;
    // The approver decides right here, as from the approvals inbox.
    const decide = request && mayDecideOn(request, me, can) && (
      <Space>
        <Button type="primary" size="small" data-testid="quote-approve" onClick={() => setDeciding(true)}>
          {t('approvals.approve')}
        </Button>
        <Button danger size="small" data-testid="quote-reject" onClick={() => setDeciding(false)}>
          {t('approvals.reject')}
        </Button>
        {deciding !== null && (
          <DecisionModal
            request={request}
            approve={deciding}
            onClose={() => setDeciding(null)}
            onDone={(approved) => {
              setDeciding(null);
              void message.success(approved ? t('approvals.approved') : t('approvals.rejected'));
            }}
          />
        )}
      </Space>
    );
    return (
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        data-testid="quote-approval"
        action={decide || undefined}
        title={t('quotes.approval.awaiting')}
        description={
          request ? (
            <Space direction="vertical" size={0}>
              <span>{request.reason}</span>
              <span>
                {t('quotes.approval.approver')}:{' '}
                {request.approver_role ? t('quotes.approval.role', { role: request.approver_role }) : t('quotes.approval.user')}
              </span>
              <span>
                {t('quotes.approval.state')}: <Tag data-testid="quote-approval-status">{t(`quotes.approvalStatus.${request.status}`, { defaultValue: request.status })}</Tag>
              </span>
            </Space>
          ) : approval.isError ? (
            problemMessage(problemOf(approval.error), t)
          ) : undefined
        }
      />
    );
  }
  if (quote.status === 'rejected' || (quote.status === 'approved' && quote.approval_id)) {
    return (
      <Alert
        type={quote.status === 'rejected' ? 'warning' : 'success'}
        showIcon
        style={{ marginBottom: 16 }}
        data-testid="quote-approval"
        title={quote.status === 'rejected' ? t('quotes.approval.rejected') : t('quotes.approval.approved')}
        description={quote.decision_comment ? t('quotes.approval.comment', { comment: quote.decision_comment }) : undefined}
      />
    );
  }
  if (quote.status === 'approved' && !quote.approval_id) {
    return <Alert type="success" showIcon style={{ marginBottom: 16 }} data-testid="quote-approval" title={t('quotes.approval.notNeeded')} />;
  }
  return null;
}

function Revisions({ quote }: { quote: QuoteRead }) {
  const { t, i18n } = useTranslation();
  const revisions = useQuoteRevisions(quote.id);
  if (revisions.isError) return <QueryError error={revisions.error} onRetry={() => void revisions.refetch()} />;
  const columns: ColumnsType<QuoteSummary> = [
    {
      title: t('quotes.fields.revision'),
      dataIndex: 'revision',
      render: (revision: number, row) =>
        row.id === quote.id ? (
          <strong>{t('quotes.revisionN', { n: revision })}</strong>
        ) : (
          <Link to={`/quotes/${row.id}`} data-testid="quote-revision-link">
            {t('quotes.revisionN', { n: revision })}
          </Link>
        ),
    },
    { title: t('quotes.fields.status'), dataIndex: 'status', render: (_: unknown, row) => <QuoteStatusTag status={row.status} testId="quote-revision-status" /> },
    { title: t('quotes.totals.total'), dataIndex: 'total', render: (total: string, row) => formatMoney(total, row.currency, i18n.language) },
    { title: t('quotes.fields.created_at'), dataIndex: 'created_at', render: time },
    {
      title: '',
      key: 'current',
      render: (_: unknown, row) => (
        <Space>
          {row.status !== 'superseded' && <Tag color="green" data-testid="quote-revision-current">{t('quotes.current')}</Tag>}
          {row.id === quote.id && <Tag>{t('quotes.viewing')}</Tag>}
        </Space>
      ),
    },
  ];
  return (
    <Table<QuoteSummary>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={revisions.data ?? []}
      loading={revisions.isPending}
      pagination={false}
      data-testid="quote-revisions"
    />
  );
}

function QuoteView({ quote }: { quote: QuoteRead }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const navigate = useNavigate();
  const update = useUpdateQuote(quote.id);
  const action = useQuoteAction(quote);
  const [dirty, setDirty] = useState(false);
  const [actionError, setActionError] = useState<Problem | null>(null);
  const [printing, setPrinting] = useState(false);
  const writer = can('quotes:write');
  const editable = writer && EDITABLE_STATUSES.includes(quote.status);
  const revising = REVISING_STATUSES.includes(quote.status);

  const save = (values: QuoteFormValues) =>
    update.mutateAsync(updateBody(quote, values)).then((saved) => {
      setActionError(null);
      if (saved.id !== quote.id) {
        void message.success(t('quotes.revised', { n: saved.revision }));
        void navigate(`/quotes/${saved.id}`);
      } else {
        void message.success(t('common.saved'));
      }
    });

  const run = (name: QuoteAction) => {
    setActionError(null);
    action.mutate(name, {
      onSuccess: (result) => void message.success(t(`quotes.actions.${name}Done`, { status: t(`quotes.status.${result.status}`) })),
      onError: (error) => setActionError(problemOf(error)),
    });
  };

  const print = () => {
    setPrinting(true);
    openPrintable(quote.id)
      .catch((error: unknown) => setActionError(problemOf(error)))
      .finally(() => setPrinting(false));
  };

  const actionButton = (name: QuoteAction, icon: React.ReactNode, primary = false) => (
    <Button
      type={primary ? 'primary' : 'default'}
      icon={icon}
      data-testid={`quote-${name}`}
      disabled={dirty}
      title={dirty ? t('quotes.saveFirst') : undefined}
      loading={action.isPending && action.variables === name}
      onClick={() => run(name)}
    >
      {t(`quotes.actions.${name}`)}
    </Button>
  );

  return (
    <Card
      title={
        <Space wrap>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="quote-number">
            {t('quotes.titleN', { number: quote.number, revision: quote.revision })}
          </Typography.Title>
          <QuoteStatusTag status={quote.status} />
          <Link to={`/deals/${quote.deal_id}`} data-testid="quote-deal-link">
            {t('quotes.openDeal')}
          </Link>
        </Space>
      }
      extra={
        <Space wrap>
          {writer && ['draft', 'rejected'].includes(quote.status) && actionButton('submit', <SolutionOutlined />, true)}
          {writer && quote.status === 'approved' && actionButton('send', <SendOutlined />, true)}
          {writer && ['approved', 'sent'].includes(quote.status) && actionButton('accept', <CheckOutlined />)}
          <Button icon={<PrinterOutlined />} data-testid="quote-print" loading={printing} onClick={print}>
            {t('quotes.actions.print')}
          </Button>
        </Space>
      }
    >
      {actionError && (
        <Alert
          type="error"
          showIcon
          closable
          style={{ marginBottom: 16 }}
          data-testid="quote-action-error"
          title={problemMessage(actionError, t)}
          description={actionError.errors.length > 0 ? actionError.errors.map((e) => e.msg).join(' ') : undefined}
          onClose={() => setActionError(null)}
        />
      )}
      <ApprovalState quote={quote} />
      {quote.status === 'superseded' && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('quotes.supersededHint')} />}
      <Typography.Paragraph type="secondary">
        {t('quotes.meta', { currency: quote.currency, discount: formatPercent(quote.effective_discount_percent) })}
        {quote.sent_at ? ` · ${t('quotes.sentAt', { when: time(quote.sent_at) })}` : ''}
        {quote.accepted_at ? ` · ${t('quotes.acceptedAt', { when: time(quote.accepted_at) })}` : ''}
      </Typography.Paragraph>
      <QuoteForm
        key={`${quote.id}:${quote.version}`}
        quote={quote}
        pricing={{ currency: quote.currency, customerGroup: quote.customer_group }}
        editable={editable}
        saving={update.isPending}
        onSave={save}
        onDirtyChange={setDirty}
        saveHint={revising ? t('quotes.saveCreatesRevision', { n: quote.revision + 1 }) : undefined}
      />
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('quotes.revisions')}
      </Typography.Title>
      <Revisions quote={quote} />
    </Card>
  );
}

/** `/quotes/:id`: a quote, editable while draft or rejected (approved and sent ones as a new revision). */
export function QuoteEditorPage() {
  const { id = '' } = useParams();
  const quote = useQuote(id);
  if (quote.isPending) return <Skeleton active />;
  if (quote.isError) {
    if (isApiError(quote.error) && [404, 422].includes(quote.error.status)) return <NotFound />;
    return <QueryError error={quote.error} onRetry={() => void quote.refetch()} />;
  }
  return <QuoteView quote={quote.data} />;
}

/** `/quotes/new?deal_id=…`: a draft quote on a deal, in the deal's currency. */
export function NewQuotePage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const dealId = params.get('deal_id') ?? undefined;
  const deal = useDeal(dealId);
  const customer = useCustomer(deal.data?.customer_id, can('customers:read'));
  const create = useCreateQuote();

  if (!dealId) return <Alert type="warning" showIcon data-testid="quote-no-deal" title={t('quotes.noDeal')} />;
  if (!can('quotes:write')) return <NotFound />;
  if (deal.isPending) return <Skeleton active />;
  if (deal.isError) {
    if (isApiError(deal.error) && [404, 422].includes(deal.error.status)) return <Alert type="warning" showIcon data-testid="quote-no-deal" title={t('quotes.dealNotFound')} />;
    return <QueryError error={deal.error} onRetry={() => void deal.refetch()} />;
  }
  // The customer's group picks its price book; without customers:read the general book is proposed.
  if (customer.isLoading) return <Skeleton active />;

  const save = (values: QuoteFormValues) =>
    create.mutateAsync(createBody(dealId, values)).then((saved) => {
      void message.success(t('common.saved'));
      void navigate(`/quotes/${saved.id}`, { replace: true });
    });

  return (
    <Card
      title={
        <Space wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('quotes.newTitle')}
          </Typography.Title>
          <QuoteStatusTag status="draft" />
          <Link to={`/deals/${dealId}`} data-testid="quote-deal-link">
            {deal.data.name}
          </Link>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('quotes.newHint', { currency: deal.data.currency })}</Typography.Paragraph>
      <QuoteForm
        pricing={{ currency: deal.data.currency, customerGroup: customer.data?.customer_group ?? null }}
        editable
        saving={create.isPending}
        onSave={save}
        onDirtyChange={() => undefined}
      />
    </Card>
  );
}
