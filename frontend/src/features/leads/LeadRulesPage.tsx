import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Popconfirm, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LeadRuleRead } from '../../api/types';
import { QueryError } from '../../components/QueryError';
import { problemMessage, problemOf } from '../../lib/problem';
import { useAllUsers, useDepartments } from '../admin/api';
import { useDeleteLeadRule, useLeadRules, useReorderLeadRules, useSaveLeadRule } from './api';
import { LeadRuleFormModal } from './LeadRuleFormModal';

/** The assignment rules, in evaluation order: the first active rule a new lead matches assigns it. */
export function LeadRulesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const rules = useLeadRules();
  const users = useAllUsers();
  const departments = useDepartments();
  const save = useSaveLeadRule();
  const remove = useDeleteLeadRule();
  const reorder = useReorderLeadRules();
  const [editing, setEditing] = useState<LeadRuleRead | 'new' | null>(null);
  const rows = [...(rules.data ?? [])].sort((a, b) => a.position - b.position);
  const fail = (error: unknown) => void message.error(problemMessage(problemOf(error), t));
  const userName = (id: string) => users.data?.find((u) => u.id === id)?.full_name ?? id.slice(0, 8);
  const departmentName = (id: string) => departments.data?.find((d) => d.id === id)?.name ?? id.slice(0, 8);

  const move = (index: number, delta: -1 | 1) => {
    const ids = rows.map((r) => r.id);
    [ids[index], ids[index + delta]] = [ids[index + delta], ids[index]];
    reorder.mutate(ids, { onError: fail });
  };

  const matchers = (rule: LeadRuleRead) => {
    const parts = (['province', 'city', 'product_line', 'source', 'grade'] as const)
      .filter((key) => rule[key])
      .map((key) => (
        <Tag key={key}>
          {t(`leads.fields.${key}`)}: {rule[key]}
        </Tag>
      ));
    return parts.length ? <Space wrap size={4}>{parts}</Space> : <Typography.Text type="secondary">{t('leads.rules.matchesAll')}</Typography.Text>;
  };

  const target = (rule: LeadRuleRead) => {
    const kind = t(`leads.rules.kinds.${rule.target_kind}`, { defaultValue: rule.target_kind });
    if (rule.target_kind === 'user') return `${kind}: ${rule.target_user_id ? userName(rule.target_user_id) : '—'}`;
    const team = rule.team_user_ids.length
      ? rule.team_user_ids.map(userName).join(', ')
      : rule.team_department_id
        ? departmentName(rule.team_department_id)
        : '—';
    return `${kind}: ${team}`;
  };

  const columns: ColumnsType<LeadRuleRead> = [
    {
      title: t('leads.rules.order'),
      key: 'order',
      width: 100,
      render: (_: unknown, _rule, index) => (
        <Space size={4}>
          <Button size="small" icon={<ArrowUpOutlined />} aria-label={t('leads.rules.moveUp')} data-testid="rule-up" disabled={index === 0 || reorder.isPending} onClick={() => move(index, -1)} />
          <Button
            size="small"
            icon={<ArrowDownOutlined />}
            aria-label={t('leads.rules.moveDown')}
            data-testid="rule-down"
            disabled={index === rows.length - 1 || reorder.isPending}
            onClick={() => move(index, 1)}
          />
        </Space>
      ),
    },
    { title: t('leads.rules.name'), dataIndex: 'name', render: (name: string) => <span data-testid="rule-row-name">{name}</span> },
    { title: t('leads.rules.matchers'), key: 'matchers', render: (_: unknown, rule) => matchers(rule) },
    { title: t('leads.rules.target'), key: 'target', render: (_: unknown, rule) => target(rule) },
    {
      title: t('leads.rules.active'),
      dataIndex: 'active',
      render: (active: boolean, rule) => (
        <Switch
          size="small"
          checked={active}
          data-testid="rule-active"
          onChange={(checked) => save.mutate({ kind: 'update', id: rule.id, body: { active: checked, version: rule.version } }, { onError: fail })}
        />
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, rule) => (
        <Space>
          <Button size="small" icon={<EditOutlined />} data-testid="rule-edit" onClick={() => setEditing(rule)}>
            {t('common.edit')}
          </Button>
          <Popconfirm
            title={t('leads.rules.confirmDelete')}
            okText={t('common.yes')}
            cancelText={t('common.no')}
            onConfirm={() => remove.mutate(rule.id, { onSuccess: () => void message.success(t('common.deleted')), onError: fail })}
          >
            <Button size="small" danger icon={<DeleteOutlined />} data-testid="rule-delete">
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('leads.rules.title')}</Typography.Title>}
      extra={
        <Button type="primary" icon={<PlusOutlined />} data-testid="rule-new" onClick={() => setEditing('new')}>
          {t('leads.rules.new')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('leads.rules.intro')}</Typography.Paragraph>
      {rules.isError ? (
        <QueryError error={rules.error} onRetry={() => void rules.refetch()} />
      ) : (
        <Table<LeadRuleRead> rowKey="id" size="small" columns={columns} dataSource={rows} loading={rules.isPending} pagination={false} />
      )}
      {editing && <LeadRuleFormModal rule={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
    </Card>
  );
}
