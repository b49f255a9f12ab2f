import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Form, Input, Popconfirm, Row, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContractTemplateCreate, ContractTemplateRead } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { QueryError } from '../../components/QueryError';
import { problemMessage, problemOf } from '../../lib/problem';
import { useServerErrors } from '../../lib/useServerErrors';
import { useDeleteTemplate, useSaveTemplate, useTemplates } from './api';
import { Money } from './parts';

interface TemplateValues {
  name?: string;
  product_line?: string;
  min_amount?: string;
  max_amount?: string;
  currency?: string;
  body?: string;
  active?: boolean;
}

const blank = (value: string | undefined) => (value && value.trim() ? value.trim() : null);
const DECIMAL = /^\d+(\.\d{1,2})?$/;

function toValues(template?: ContractTemplateRead): TemplateValues {
  if (!template) return { currency: 'CNY', active: true, body: '' };
  return {
    name: template.name,
    product_line: template.product_line ?? '',
    min_amount: template.min_amount ?? '',
    max_amount: template.max_amount ?? '',
    currency: template.currency,
    body: template.body,
    active: template.active,
  };
}

function TemplateFormModal({ template, onClose }: { template?: ContractTemplateRead; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<TemplateValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const save = useSaveTemplate();
  const amount = { pattern: DECIMAL, message: t('contracts.templates.amountInvalid') };

  const onSubmit = (values: TemplateValues) => {
    clear();
    const body: ContractTemplateCreate = {
      name: (values.name ?? '').trim(),
      product_line: blank(values.product_line),
      min_amount: blank(values.min_amount),
      max_amount: blank(values.max_amount),
      currency: (values.currency ?? 'CNY').trim().toUpperCase(),
      body: values.body ?? '',
      active: values.active ?? true,
    };
    const onSuccess = () => {
      void message.success(t('common.saved'));
      onClose();
    };
    if (template) save.mutate({ kind: 'update', id: template.id, body: { ...body, version: template.version } }, { onSuccess, onError: handleError });
    else save.mutate({ kind: 'create', body }, { onSuccess, onError: handleError });
  };

  return (
    <FormModal
      title={template ? t('contracts.templates.editTitle') : t('contracts.templates.newTitle')}
      width={800}
      form={form}
      submitting={save.isPending}
      onClose={onClose}
      serverError={serverError}
      onReload={template ? onClose : undefined}
      submitTestId="template-submit"
    >
      <Form<TemplateValues> form={form} layout="vertical" initialValues={toValues(template)} onFinish={onSubmit}>
        <Row gutter={12}>
          <Col span={16}>
            <Form.Item name="name" label={t('contracts.templates.name')} rules={[{ required: true, whitespace: true, message: t('contracts.templates.nameRequired') }]}>
              <Input data-testid="template-name" maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="active" label={t('contracts.templates.active')} valuePropName="checked">
              <Switch data-testid="template-active" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col span={9}>
            <Form.Item name="product_line" label={t('contracts.templates.productLine')}>
              <Input data-testid="template-product-line" maxLength={100} />
            </Form.Item>
          </Col>
          <Col span={5}>
            <Form.Item name="min_amount" label={t('contracts.templates.minAmount')} rules={[amount]}>
              <Input inputMode="decimal" data-testid="template-min-amount" />
            </Form.Item>
          </Col>
          <Col span={5}>
            <Form.Item name="max_amount" label={t('contracts.templates.maxAmount')} rules={[amount]}>
              <Input inputMode="decimal" data-testid="template-max-amount" />
            </Form.Item>
          </Col>
          <Col span={5}>
            <Form.Item name="currency" label={t('contracts.fields.currency')} rules={[{ pattern: /^[A-Za-z]{3}$/, message: t('contracts.form.currencyInvalid') }]}>
              <Input maxLength={3} data-testid="template-currency" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="body" label={t('contracts.templates.body')} extra={t('contracts.templates.bodyHint')}>
          <Input.TextArea rows={12} data-testid="template-body" style={{ fontFamily: 'monospace' }} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

export function TemplatesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const templates = useTemplates();
  const remove = useDeleteTemplate();
  const [editing, setEditing] = useState<ContractTemplateRead | 'new' | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  const columns: ColumnsType<ContractTemplateRead> = [
    { title: t('contracts.templates.name'), dataIndex: 'name' },
    { title: t('contracts.templates.productLine'), dataIndex: 'product_line', render: (v: string | null) => v ?? '—' },
    {
      title: t('contracts.templates.range'),
      key: 'range',
      render: (_, row) => (
        <Space size={4}>
          {row.min_amount ? <Money value={row.min_amount} currency={row.currency} /> : '—'}
          <span>–</span>
          {row.max_amount ? <Money value={row.max_amount} currency={row.currency} /> : '—'}
        </Space>
      ),
    },
    { title: t('contracts.templates.active'), dataIndex: 'active', render: (active: boolean) => <Tag color={active ? 'green' : 'default'}>{active ? t('common.yes') : t('common.no')}</Tag> },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, row) => (
        <Space>
          <Button size="small" icon={<EditOutlined />} data-testid="template-edit" onClick={() => setEditing(row)}>
            {t('common.edit')}
          </Button>
          <Popconfirm
            title={t('common.confirmDelete')}
            okText={t('common.delete')}
            cancelText={t('common.cancel')}
            onConfirm={() => {
              setDeleteError(null);
              remove.mutate(row.id, {
                onSuccess: () => void message.success(t('common.deleted')),
                onError: (error) => setDeleteError(problemMessage(problemOf(error), t)),
              });
            }}
          >
            <Button size="small" danger icon={<DeleteOutlined />} data-testid="template-delete">
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('contracts.templates.title')}</Typography.Title>}
      extra={
        <Button type="primary" icon={<PlusOutlined />} data-testid="template-new" onClick={() => setEditing('new')}>
          {t('contracts.templates.new')}
        </Button>
      }
    >
      {deleteError && <Alert type="error" showIcon closable style={{ marginBottom: 12 }} data-testid="template-delete-error" title={deleteError} onClose={() => setDeleteError(null)} />}
      {templates.isError ? (
        <QueryError error={templates.error} onRetry={() => void templates.refetch()} />
      ) : (
        <Table<ContractTemplateRead> rowKey="id" size="small" columns={columns} dataSource={templates.data ?? []} loading={templates.isPending} pagination={false} data-testid="template-list" />
      )}
      {editing && <TemplateFormModal template={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
    </Card>
  );
}
