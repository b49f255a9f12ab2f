import { EditOutlined, SwapOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Flex, Select, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { LeadAssignmentRead, LeadRead, LeadUpdate } from '../../api/types';
import { LoadMore } from '../../components/LoadMore';
import { NotFound } from '../../components/NotFound';
import { QueryError } from '../../components/QueryError';
import { isApiError, problemMessage, problemOf } from '../../lib/problem';
import { time } from '../../lib/dates';
import { useAuth } from '../auth/AuthContext';
import { useActiveCustomFields } from '../customfields/api';
import { CustomFieldValues } from '../customfields/CustomFieldValues';
import { useLead, useLeadAssignments, useUpdateLead } from './api';
import { AssignLeadModal } from './AssignLeadModal';
import { ConvertLeadModal } from './ConvertLeadModal';
import { LeadFormModal } from './LeadFormModal';
import { leadName, STATUS_COLORS } from './LeadTable';
import { useUserName } from '../admin/userNames';

type EditableStatus = NonNullable<LeadUpdate['status']>;
const EDITABLE_STATUSES: EditableStatus[] = ['new', 'contacted', 'qualified', 'unqualified'];

function StatusControl({ lead }: { lead: LeadRead }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const update = useUpdateLead(lead.id);
  return (
    <Select<EditableStatus>
      style={{ width: 160 }}
      data-testid="lead-status-select"
      value={lead.status as EditableStatus}
      loading={update.isPending}
      options={EDITABLE_STATUSES.map((s) => ({ value: s, label: t(`leads.status.${s}`) }))}
      onChange={(status) =>
        update.mutate(
          { status, version: lead.version },
          {
            onSuccess: () => void message.success(t('leads.detail.statusChanged')),
            onError: (error) => void message.error(problemMessage(problemOf(error), t)),
          },
        )
      }
    />
  );
}

function AssignmentHistory({ leadId }: { leadId: string }) {
  const { t } = useTranslation();
  const list = useLeadAssignments(leadId);
  const userName = useUserName();
  const columns: ColumnsType<LeadAssignmentRead> = [
    { title: t('leads.history.when'), dataIndex: 'created_at', render: time },
    { title: t('leads.history.kind'), dataIndex: 'kind', render: (kind: string) => <Tag data-testid="lead-history-kind">{t(`leads.history.kinds.${kind}`, { defaultValue: kind })}</Tag> },
    { title: t('leads.history.from'), dataIndex: 'from_user_id', render: (id: string | null) => (id ? userName(id) : t('leads.inPool')) },
    { title: t('leads.history.to'), dataIndex: 'to_user_id', render: (id: string | null) => (id ? userName(id) : t('leads.inPool')) },
    { title: t('leads.history.by'), dataIndex: 'by_user_id', render: (id: string | null, row) => (id ? userName(id) : row.rule_id ? t('leads.history.byRule') : '—') },
    { title: t('leads.history.reason'), dataIndex: 'reason', render: (reason: string | null) => reason ?? '—' },
  ];
  if (list.isError) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <>
      <Table<LeadAssignmentRead> rowKey="id" size="small" columns={columns} dataSource={list.rows} loading={list.loading} pagination={false} data-testid="lead-history" />
      <LoadMore shown={list.rows.length} total={list.total} hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoadMore={() => void list.fetchNextPage()} />
    </>
  );
}

function LeadProfile({ lead }: { lead: LeadRead }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const userName = useUserName();
  const customFields = useActiveCustomFields('lead');
  const [dialog, setDialog] = useState<'edit' | 'assign' | 'convert' | null>(null);
  const converted = lead.status === 'converted';
  const f = (key: string) => t(`leads.fields.${key}`);
  const text = (value: string | number | null) => (value === null || value === '' ? '—' : value);

  return (
    <Card
      title={
        <Space>
          <span data-testid="lead-title">{leadName(lead)}</span>
          <Tag color={STATUS_COLORS[lead.status]} data-testid="lead-status">
            {t(`leads.status.${lead.status}`, { defaultValue: lead.status })}
          </Tag>
        </Space>
      }
      extra={
        <Space wrap>
          {can('leads:write') && !converted && <StatusControl lead={lead} />}
          {can('leads:write') && !converted && (
            <Button icon={<EditOutlined />} data-testid="lead-edit" onClick={() => setDialog('edit')}>
              {t('common.edit')}
            </Button>
          )}
          {can('leads:assign') && !converted && (
            <Button icon={<UserSwitchOutlined />} data-testid="lead-assign" onClick={() => setDialog('assign')}>
              {t('leads.assign.open')}
            </Button>
          )}
          {can('leads:write') && !converted && (
            <Button type="primary" icon={<SwapOutlined />} data-testid="lead-convert" onClick={() => setDialog('convert')}>
              {t('leads.convert.open')}
            </Button>
          )}
        </Space>
      }
    >
      {converted && (
        <Flex gap={16} style={{ marginBottom: 12 }} data-testid="lead-converted">
          <Typography.Text>{t('leads.detail.convertedAt', { when: time(lead.converted_at) })}</Typography.Text>
          {lead.converted_customer_id && <Link to={`/customers/${lead.converted_customer_id}`}>{t('leads.detail.openCustomer')}</Link>}
          {lead.converted_deal_id && <Link to={`/deals/${lead.converted_deal_id}`}>{t('leads.detail.openDeal')}</Link>}
        </Flex>
      )}
      <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} bordered>
        <Descriptions.Item label={f('person_name')}>{text(lead.person_name)}</Descriptions.Item>
        <Descriptions.Item label={f('company_name')}>{text(lead.company_name)}</Descriptions.Item>
        <Descriptions.Item label={f('title')}>{text(lead.title)}</Descriptions.Item>
        <Descriptions.Item label={f('phone')}>{text(lead.phone)}</Descriptions.Item>
        <Descriptions.Item label={f('email')}>{text(lead.email)}</Descriptions.Item>
        <Descriptions.Item label={f('source')}>{text(lead.source)}</Descriptions.Item>
        <Descriptions.Item label={f('campaign')}>{text(lead.campaign)}</Descriptions.Item>
        <Descriptions.Item label={f('product_line')}>{text(lead.product_line)}</Descriptions.Item>
        <Descriptions.Item label={f('province')}>{text(lead.province)}</Descriptions.Item>
        <Descriptions.Item label={f('city')}>{text(lead.city)}</Descriptions.Item>
        <Descriptions.Item label={f('grade')}>{text(lead.grade)}</Descriptions.Item>
        <Descriptions.Item label={f('score')}>{text(lead.score)}</Descriptions.Item>
        <Descriptions.Item label={f('owner')}>
          <span data-testid="lead-owner">{lead.owner_id ? userName(lead.owner_id) : t('leads.inPool')}</span>
        </Descriptions.Item>
        <Descriptions.Item label={f('assigned_at')}>{time(lead.assigned_at)}</Descriptions.Item>
        <Descriptions.Item label={f('created_at')}>{time(lead.created_at)}</Descriptions.Item>
        <Descriptions.Item label={f('notes')} span={3}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{text(lead.notes)}</Typography.Paragraph>
        </Descriptions.Item>
      </Descriptions>
      <CustomFieldValues fields={customFields.fields} values={lead.custom_fields} />

      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('leads.history.title')}
      </Typography.Title>
      <AssignmentHistory leadId={lead.id} />

      {dialog === 'edit' && <LeadFormModal lead={lead} onClose={() => setDialog(null)} />}
      {dialog === 'assign' && <AssignLeadModal lead={lead} onClose={() => setDialog(null)} />}
      {dialog === 'convert' && <ConvertLeadModal lead={lead} onClose={() => setDialog(null)} />}
    </Card>
  );
}

export function LeadDetailPage() {
  const { id = '' } = useParams();
  const lead = useLead(id);
  if (lead.isPending) return <Skeleton active />;
  if (lead.isError) {
    if (isApiError(lead.error) && [404, 422].includes(lead.error.status)) return <NotFound />;
    return <QueryError error={lead.error} onRetry={() => void lead.refetch()} />;
  }
  return <LeadProfile lead={lead.data} />;
}
