import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, ColorPicker, Form, Input, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TagRead } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { QueryError } from '../../components/QueryError';
import { problemMessage, problemOf } from '../../lib/problem';
import { useServerErrors } from '../../lib/useServerErrors';
import { DEFAULT_TAG_COLOR, useDeleteTag, useSaveTag, useTags, type TagValues } from './api';

function toHex(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'toHexString' in value) return (value as { toHexString: () => string }).toHexString();
  return DEFAULT_TAG_COLOR;
}

export function TagFormModal({ tag, onClose }: { tag?: TagRead; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<TagValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const save = useSaveTag();

  const onSubmit = (values: TagValues) => {
    clear();
    const body = { name: values.name.trim(), color: toHex(values.color).slice(0, 7), description: values.description?.trim() || null };
    save.mutate(
      { id: tag?.id, body, version: tag?.version },
      {
        onSuccess: () => {
          void message.success(t('common.saved'));
          onClose();
        },
        onError: handleError,
      },
    );
  };

  return (
    <FormModal
      title={tag ? t('tags.editTitle') : t('tags.newTitle')}
      form={form}
      submitting={save.isPending}
      onClose={onClose}
      serverError={serverError}
      onReload={onClose}
    >
      <Form<TagValues>
        form={form}
        layout="vertical"
        initialValues={tag ? { name: tag.name, color: tag.color, description: tag.description } : { name: '', color: DEFAULT_TAG_COLOR }}
        onFinish={onSubmit}
      >
        <Form.Item
          name="name"
          label={t('tags.fields.name')}
          extra={tag ? t('tags.renameHint') : undefined}
          rules={[{ required: true, whitespace: true, message: t('tags.nameRequired') }]}
        >
          <Input maxLength={50} data-testid="tag-name" autoFocus />
        </Form.Item>
        <Form.Item name="color" label={t('tags.fields.color')} getValueFromEvent={(color: unknown) => toHex(color)}>
          <ColorPicker disabledAlpha showText data-testid="tag-color" />
        </Form.Item>
        <Form.Item name="description" label={t('tags.fields.description')}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

/** The tag catalogue: names with colours and descriptions (admins and managers). */
export function TagsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const tags = useTags('customer');
  const remove = useDeleteTag();
  const [editing, setEditing] = useState<{ tag?: TagRead } | null>(null);

  const columns: ColumnsType<TagRead> = [
    {
      title: t('tags.fields.name'),
      dataIndex: 'name',
      key: 'name',
      render: (name: string, tag) => <Tag color={tag.color}>{name}</Tag>,
    },
    { title: t('tags.fields.color'), dataIndex: 'color', key: 'color', width: 120 },
    { title: t('tags.fields.description'), dataIndex: 'description', key: 'description' },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 160,
      render: (_value, tag) => (
        <Space>
          <Button size="small" onClick={() => setEditing({ tag })}>
            {t('common.edit')}
          </Button>
          <Popconfirm
            title={t('tags.confirmDelete')}
            okText={t('common.yes')}
            cancelText={t('common.no')}
            onConfirm={() =>
              remove.mutate(tag.id, {
                onSuccess: () => void message.success(t('common.deleted')),
                onError: (error) => void message.error(problemMessage(problemOf(error), t)),
              })
            }
          >
            <Button size="small" danger>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('tags.title')}</Typography.Title>}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})} data-testid="new-tag">
          {t('tags.new')}
        </Button>
      }
    >
      {tags.isError ? (
        <QueryError error={tags.error} onRetry={() => void tags.refetch()} />
      ) : (
        <Table<TagRead> data-testid="tag-table" rowKey="id" size="small" columns={columns} dataSource={tags.data ?? []} loading={tags.isPending} pagination={false} />
      )}
      {editing && <TagFormModal tag={editing.tag} onClose={() => setEditing(null)} />}
    </Card>
  );
}
