import { CheckCircleOutlined, CloseCircleOutlined, EditOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Flex, Row, Select, Skeleton, Space, Steps, Tabs, Typography } from 'antd';
import { Suspense, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { DealRead, PipelineRead, StageRead } from '../../api/types';
import { NotFound } from '../../components/NotFound';
import { QueryError } from '../../components/QueryError';
import { isApiError } from '../../lib/problem';
import { AttachmentsCard } from '../attachments/AttachmentsCard';
import { useAuth } from '../auth/AuthContext';
import { slot } from '../slots';
import { useCustomer } from '../customers/api';
import { useActiveCustomFields } from '../customfields/api';
import { CustomFieldValues } from '../customfields/CustomFieldValues';
import { useUserName } from '../admin/userNames';
import { useDeal, usePipelines } from './api';
import { DealFormModal } from './DealFormModal';
import { DealStatusTag } from './DealTable';
import { formatMoney } from '../../lib/money';
import { day, time } from '../../lib/dates';
import { StageHistoryTable } from './StageHistoryTable';
import { useDealMove } from './useDealMove';


/** The stage path of the deal's pipeline and the controls that move the deal along it. */
function StageControls({ deal, stages, canMove }: { deal: DealRead; stages: StageRead[]; canMove: boolean }) {
  const { t } = useTranslation();
  const { requestMove, pendingDealId, dialogs } = useDealMove();
  const pending = pendingDealId === deal.id;
  const open = stages.filter((stage) => stage.kind === 'open');
  const won = stages.find((stage) => stage.kind === 'won');
  const lost = stages.find((stage) => stage.kind === 'lost');
  const current = open.findIndex((stage) => stage.id === deal.stage_id);
  const move = (stage: StageRead) => requestMove({ id: deal.id, name: deal.name, version: deal.version }, stage);

  return (
    <Flex vertical gap={12} style={{ marginBottom: 16 }}>
      <Steps
        size="small"
        current={deal.status === 'open' ? current : open.length}
        status={deal.status === 'lost' ? 'error' : deal.status === 'won' ? 'finish' : 'process'}
        items={[...open.map((stage) => ({ title: stage.name, content: `${stage.probability}%` })), { title: stages.find((s) => s.id === deal.stage_id && s.kind !== 'open')?.name ?? t('deals.detail.closed') }]}
        data-testid="deal-stage-steps"
      />
      {canMove && (
        <Space wrap>
          <Select
            style={{ minWidth: 220 }}
            data-testid="deal-stage-select"
            aria-label={t('deals.detail.moveTo')}
            placeholder={t('deals.detail.moveTo')}
            value={null}
            loading={pending}
            disabled={pending}
            options={stages
              .filter((stage) => stage.id !== deal.stage_id)
              .map((stage) => ({ value: stage.id, label: stage.kind === 'open' ? stage.name : `${stage.name} (${t(`deals.status.${stage.kind}`)})` }))}
            onChange={(stageId: string) => {
              const stage = stages.find((s) => s.id === stageId);
              if (stage) move(stage);
            }}
          />
          {deal.status === 'open' && won && (
            <Button icon={<CheckCircleOutlined />} onClick={() => move(won)} disabled={pending} data-testid="deal-mark-won">
              {t('deals.detail.markWon')}
            </Button>
          )}
          {deal.status === 'open' && lost && (
            <Button danger icon={<CloseCircleOutlined />} onClick={() => move(lost)} disabled={pending} data-testid="deal-mark-lost">
              {t('deals.detail.markLost')}
            </Button>
          )}
        </Space>
      )}
      {dialogs}
    </Flex>
  );
}

function DealProfile({ deal, pipeline }: { deal: DealRead; pipeline: PipelineRead | undefined }) {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const [editing, setEditing] = useState(false);
  const userName = useUserName();
  const customer = useCustomer(deal.customer_id, can('customers:read'));
  const customFields = useActiveCustomFields('deal');
  const stages = pipeline?.stages ?? [];
  const stage = stages.find((s) => s.id === deal.stage_id);
  const f = (key: string) => t(`deals.fields.${key}`);
  const text = (value: string | null) => (value === null || value === '' ? '—' : value);

  return (
    <Card
      title={
        <Space wrap>
          <span data-testid="deal-title">{deal.name}</span>
          <DealStatusTag status={deal.status} testId="deal-status" />
        </Space>
      }
      extra={
        can('deals:write') && (
          <Button icon={<EditOutlined />} data-testid="deal-edit" onClick={() => setEditing(true)}>
            {t('common.edit')}
          </Button>
        )
      }
    >
      {stages.length > 0 && <StageControls deal={deal} stages={stages} canMove={can('deals:write')} />}
      <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} bordered>
        <Descriptions.Item label={f('customer')}>
          <Link to={`/customers/${deal.customer_id}`} data-testid="deal-customer-link">
            {customer.data?.name ?? deal.customer_id.slice(0, 8)}
          </Link>
        </Descriptions.Item>
        <Descriptions.Item label={f('pipeline')}>{pipeline?.name ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={f('stage')}>
          <span data-testid="deal-stage">{stage ? `${stage.name} (${stage.probability}%)` : '—'}</span>
        </Descriptions.Item>
        <Descriptions.Item label={f('amount')}>
          <span data-testid="deal-amount-value">{formatMoney(deal.amount, deal.currency, i18n.language)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={f('expected_close_date')}>{day(deal.expected_close_date)}</Descriptions.Item>
        <Descriptions.Item label={f('owner')}>{deal.owner_id ? userName(deal.owner_id) : t('deals.noOwner')}</Descriptions.Item>
        <Descriptions.Item label={f('product_line')}>{text(deal.product_line)}</Descriptions.Item>
        <Descriptions.Item label={f('stage_entered_at')}>{time(deal.stage_entered_at)}</Descriptions.Item>
        <Descriptions.Item label={f('created_at')}>{time(deal.created_at)}</Descriptions.Item>
        {deal.status !== 'open' && <Descriptions.Item label={f('closed_at')}>{time(deal.closed_at)}</Descriptions.Item>}
        {deal.status === 'lost' && (
          <Descriptions.Item label={f('lost_reason')} span={2}>
            <span data-testid="deal-lost-reason-shown">{text(deal.lost_reason)}</span>
          </Descriptions.Item>
        )}
        <Descriptions.Item label={f('notes')} span={3}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{text(deal.notes)}</Typography.Paragraph>
        </Descriptions.Item>
      </Descriptions>
      <CustomFieldValues fields={customFields.fields} values={deal.custom_fields} />
      {editing && <DealFormModal deal={deal} onClose={() => setEditing(false)} />}
    </Card>
  );
}

interface RelatedTab {
  key: string;
  label: ReactNode;
  children: ReactNode;
}

/**
 * Documents of other features about this deal (quotes, contracts: whatever fills the `dealPanels`
 * slot), one tab each, shown to those who may read them. Nothing is rendered while no tab is listed.
 */
function DealRelated({ deal }: { deal: DealRead }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const visible: RelatedTab[] = slot('dealPanels')
    .filter((panel) => can(panel.permission))
    .map((panel) => ({
      key: panel.key,
      label: t(panel.titleKey),
      children: <Suspense fallback={<Skeleton active />}>{panel.render(deal)}</Suspense>,
    }));
  if (visible.length === 0) return null;
  return (
    <Card size="small" title={t('deals.detail.related')} data-testid="deal-related" data-deal-id={deal.id}>
      <Tabs items={visible} destroyOnHidden />
    </Card>
  );
}

function DealView({ deal }: { deal: DealRead }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const pipelines = usePipelines(true);
  const pipeline = pipelines.data?.find((p) => p.id === deal.pipeline_id);
  const stages = pipeline?.stages ?? [];
  const gateCategories = stages.flatMap((stage) => {
    const required = (stage.gate as { required_attachments?: unknown }).required_attachments;
    return Array.isArray(required) ? required.filter((c): c is string => typeof c === 'string') : [];
  });
  return (
    <Flex vertical gap={16}>
      <DealProfile deal={deal} pipeline={pipeline} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card size="small" title={t('deals.history.title')}>
            <StageHistoryTable dealId={deal.id} stages={stages} />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <AttachmentsCard parentType="deal" parentId={deal.id} canWrite={can('deals:write')} extraCategories={gateCategories} />
        </Col>
      </Row>
      <DealRelated deal={deal} />
    </Flex>
  );
}

export function DealDetailPage() {
  const { id = '' } = useParams();
  const deal = useDeal(id);
  if (deal.isPending) return <Skeleton active />;
  if (deal.isError) {
    if (isApiError(deal.error) && [404, 422].includes(deal.error.status)) return <NotFound />;
    return <QueryError error={deal.error} onRetry={() => void deal.refetch()} />;
  }
  return <DealView deal={deal.data} />;
}
