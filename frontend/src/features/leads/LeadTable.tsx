import { Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { LeadRead } from '../../api/types';
import { useUserName } from '../admin/userNames';
import { enumLabel } from '../../lib/enums';

export const STATUS_COLORS: Record<string, string> = {
  new: 'blue',
  contacted: 'cyan',
  qualified: 'green',
  unqualified: 'default',
  converted: 'purple',
};

/** The lead's display name: the person, the company, or both. */
export function leadName(lead: LeadRead): string {
  return [lead.person_name, lead.company_name].filter(Boolean).join(' · ') || '—';
}

interface LeadTableProps {
  rows: LeadRead[];
  loading: boolean;
  /** An extra last column (the pool's Claim button). */
  action?: (lead: LeadRead) => ReactNode;
  showOwner?: boolean;
  testId: string;
}

export function LeadTable({ rows, loading, action, showOwner = true, testId }: LeadTableProps) {
  const { t } = useTranslation();
  const userName = useUserName(showOwner);

  const columns: ColumnsType<LeadRead> = [
    {
      title: t('leads.fields.name'),
      key: 'name',
      render: (_: unknown, lead) => (
        <Link to={`/leads/${lead.id}`} data-testid={`${testId}-open`}>
          {leadName(lead)}
        </Link>
      ),
    },
    { title: t('leads.fields.source'), dataIndex: 'source', render: (v: string | null) => enumLabel('source', v) },
    { title: t('leads.fields.grade'), dataIndex: 'grade', render: (v: string | null) => (v ? <Tag>{v}</Tag> : '—') },
    { title: t('leads.fields.score'), dataIndex: 'score', render: (v: number | null) => v ?? '—' },
    {
      title: t('leads.fields.status'),
      dataIndex: 'status',
      render: (status: string) => (
        <Tag color={STATUS_COLORS[status]} data-testid={`${testId}-status`}>
          {t(`leads.status.${status}`, { defaultValue: status })}
        </Tag>
      ),
    },
  ];
  if (showOwner) {
    columns.push({
      title: t('leads.fields.owner'),
      dataIndex: 'owner_id',
      render: (owner: string | null) => (owner ? userName(owner) : <Tag>{t('leads.inPool')}</Tag>),
    });
  }
  if (action) columns.push({ title: '', key: 'action', render: (_: unknown, lead) => action(lead) });

  return <Table<LeadRead> rowKey="id" size="small" columns={columns} dataSource={rows} loading={loading} pagination={false} data-testid={testId} />;
}
