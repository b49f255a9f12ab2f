import { ArrowDownOutlined, ArrowUpOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Popconfirm, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomFieldRead } from '../../api/types';
import { QueryError } from '../../components/QueryError';
import { problemMessage, problemOf } from '../../lib/problem';
import { fieldLabel, OBJECT_TYPES, useCustomFields, useDeleteCustomField, useReorderCustomFields, type ObjectType } from './api';
import { CompletenessRulesCard } from './CompletenessRulesCard';
import { CustomFieldFormModal } from './CustomFieldFormModal';

/** The ids in their new order after moving the field at `index` by `delta` places. */
export function moved(ids: string[], index: number, delta: number): string[] {
  const target = index + delta;
  if (target < 0 || target >= ids.length) return ids;
  const next = [...ids];
  [next[index], next[target]] = [next[target], next[index]];
  return next;
}

function FieldTable({ objectType }: { objectType: ObjectType }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const fields = useCustomFields(objectType);
  const reorder = useReorderCustomFields(objectType);
  const remove = useDeleteCustomField();
  const [editing, setEditing] = useState<{ field?: CustomFieldRead } | null>(null);
  const rows = fields.data ?? [];
  const fail = (error: unknown) => void message.error(problemMessage(problemOf(error), t));
  const move = (index: number, delta: number) =>
    reorder.mutate(
      moved(
        rows.map((row) => row.id),
        index,
        delta,
      ),
      { onError: fail },
    );

  const columns: ColumnsType<CustomFieldRead> = [
    {
      title: t('customFields.fields.order'),
      key: 'order',
      width: 90,
      render: (_value, _field, index) => (
        <Space size={0}>
          <Button
            size="small"
            type="text"
            icon={<ArrowUpOutlined />}
            disabled={index === 0 || reorder.isPending}
            onClick={() => move(index, -1)}
            aria-label={t('customFields.moveUp')}
            data-testid={`move-up-${index}`}
          />
          <Button
            size="small"
            type="text"
            icon={<ArrowDownOutlined />}
            disabled={index === rows.length - 1 || reorder.isPending}
            onClick={() => move(index, 1)}
            aria-label={t('customFields.moveDown')}
            data-testid={`move-down-${index}`}
          />
        </Space>
      ),
    },
    { title: t('customFields.fields.label'), key: 'label', render: (_value, field) => fieldLabel(field, i18n.language) },
    { title: t('customFields.fields.key'), dataIndex: 'key', key: 'key', render: (key: string) => <Typography.Text code>{key}</Typography.Text> },
    {
      title: t('customFields.fields.type'),
      dataIndex: 'field_type',
      key: 'field_type',
      render: (type: string) => t(`customFields.types.${type}`),
    },
    {
      title: t('customFields.fields.required'),
      dataIndex: 'required',
      key: 'required',
      render: (required: boolean) => (required ? t('common.yes') : ''),
    },
    {
      title: t('customFields.fields.active'),
      dataIndex: 'active',
      key: 'active',
      render: (active: boolean) => (active ? <Tag color="green">{t('customFields.active')}</Tag> : <Tag>{t('customFields.inactive')}</Tag>),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 160,
      render: (_value, field) => (
        <Space>
          <Button size="small" onClick={() => setEditing({ field })} data-testid={`edit-field-${field.key}`}>
            {t('common.edit')}
          </Button>
          <Popconfirm
            title={t('customFields.confirmDelete')}
            okText={t('common.yes')}
            cancelText={t('common.no')}
            onConfirm={() => remove.mutate(field.id, { onSuccess: () => void message.success(t('common.deleted')), onError: fail })}
          >
            <Button size="small" danger>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  if (fields.isError) return <QueryError error={fields.error} onRetry={() => void fields.refetch()} />;
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})} style={{ marginBottom: 12 }} data-testid="new-custom-field">
        {t('customFields.new')}
      </Button>
      <Table<CustomFieldRead>
        data-testid={`custom-field-table-${objectType}`}
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={rows}
        loading={fields.isPending}
        pagination={false}
      />
      {editing && <CustomFieldFormModal objectType={objectType} field={editing.field} onClose={() => setEditing(null)} />}
      <CompletenessRulesCard objectType={objectType} fields={rows} />
    </>
  );
}

/** Administration of custom fields per object type, and of their completeness rules. */
export function CustomFieldsPage() {
  const { t } = useTranslation();
  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('customFields.adminTitle')}</Typography.Title>}>
      <Tabs
        destroyOnHidden
        items={OBJECT_TYPES.map((objectType) => ({
          key: objectType,
          label: t(`customFields.objects.${objectType}`),
          children: <FieldTable objectType={objectType} />,
        }))}
      />
    </Card>
  );
}
