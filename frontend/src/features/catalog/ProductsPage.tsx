import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Form, Input, Row, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ProductCreate, ProductRead, ProductUpdate } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { blanksToNull, withoutBlanks } from '../../lib/formValues';
import { useServerErrors } from '../../lib/useServerErrors';
import { useAuth } from '../auth/AuthContext';
import { useProductList, useSaveProduct, type ProductFilters } from './api';

interface ProductValues {
  sku?: string;
  name?: string;
  product_line?: string;
  unit?: string;
  active?: boolean;
  description?: string;
}

function ProductFormModal({ product, onClose }: { product?: ProductRead; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ProductValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const save = useSaveProduct();

  const submit = (values: ProductValues) => {
    clear();
    const onSuccess = () => {
      void message.success(t('common.saved'));
      onClose();
    };
    if (product) {
      const body: ProductUpdate = { ...blanksToNull(values), active: values.active ?? true, version: product.version };
      // sku, name and unit cannot be cleared (the server refuses null for them).
      for (const key of ['sku', 'name', 'unit'] as const) if (body[key] === null) delete body[key];
      save.mutate({ kind: 'update', id: product.id, body }, { onSuccess, onError: handleError });
    } else {
      save.mutate({ kind: 'create', body: withoutBlanks(values) as ProductCreate }, { onSuccess, onError: handleError });
    }
  };

  return (
    <FormModal
      title={product ? t('catalog.products.editTitle') : t('catalog.products.newTitle')}
      width={640}
      form={form}
      submitting={save.isPending}
      onClose={onClose}
      serverError={serverError}
      onReload={product ? onClose : undefined}
      submitTestId="product-submit"
    >
      <Form<ProductValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={
          product
            ? { sku: product.sku, name: product.name, product_line: product.product_line ?? undefined, unit: product.unit, active: product.active, description: product.description ?? undefined }
            : { unit: 'pcs', active: true }
        }
      >
        <Row gutter={12}>
          <Col span={10}>
            <Form.Item name="sku" label={t('catalog.products.fields.sku')} rules={[{ required: true, whitespace: true, message: t('catalog.required') }]}>
              <Input maxLength={64} data-testid="product-sku" />
            </Form.Item>
          </Col>
          <Col span={14}>
            <Form.Item name="name" label={t('catalog.products.fields.name')} rules={[{ required: true, whitespace: true, message: t('catalog.required') }]}>
              <Input maxLength={200} data-testid="product-name" />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="product_line" label={t('catalog.products.fields.product_line')}>
              <Input maxLength={100} data-testid="product-line" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="unit" label={t('catalog.products.fields.unit')} rules={[{ required: true, whitespace: true, message: t('catalog.required') }]}>
              <Input maxLength={20} data-testid="product-unit" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="active" label={t('catalog.products.fields.active')} valuePropName="checked">
              <Switch data-testid="product-active" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="description" label={t('catalog.products.fields.description')}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <Typography.Text type="secondary">{t('catalog.products.pricesHint')}</Typography.Text>
      </Form>
    </FormModal>
  );
}

/** `/products`: the product catalog (prices live in price books). */
export function ProductsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [filters, setFilters] = useState<ProductFilters>({ active: true });
  const [editing, setEditing] = useState<ProductRead | 'new' | null>(null);
  const list = useProductList(filters);
  const writer = can('products:write');

  const columns: ColumnsType<ProductRead> = [
    { title: t('catalog.products.fields.sku'), dataIndex: 'sku', render: (sku: string) => <span data-testid="product-row-sku">{sku}</span> },
    { title: t('catalog.products.fields.name'), dataIndex: 'name' },
    { title: t('catalog.products.fields.product_line'), dataIndex: 'product_line', render: (v: string | null) => v ?? '—' },
    { title: t('catalog.products.fields.unit'), dataIndex: 'unit' },
    {
      title: t('catalog.products.fields.active'),
      dataIndex: 'active',
      render: (active: boolean) => <Tag color={active ? 'green' : 'default'}>{active ? t('catalog.active') : t('catalog.inactive')}</Tag>,
    },
  ];
  if (writer) {
    columns.push({
      title: '',
      key: 'edit',
      render: (_: unknown, product) => <Button size="small" icon={<EditOutlined />} data-testid="product-edit" onClick={() => setEditing(product)} aria-label={t('common.edit')} />,
    });
  }

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('catalog.products.title')}</Typography.Title>}
      extra={
        <Space>
          <Link to="/price-books">{t('catalog.books.title')}</Link>
          {writer && (
            <Button type="primary" icon={<PlusOutlined />} data-testid="product-new" onClick={() => setEditing('new')}>
              {t('catalog.products.new')}
            </Button>
          )}
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search allowClear style={{ width: 260 }} placeholder={t('catalog.products.searchPlaceholder')} data-testid="product-search" onSearch={(q) => setFilters({ ...filters, q: q.trim() || undefined })} />
        <Select
          style={{ width: 160 }}
          data-testid="product-active-filter"
          value={filters.active === undefined ? 'all' : filters.active ? 'active' : 'inactive'}
          onChange={(value: string) => setFilters({ ...filters, active: value === 'all' ? undefined : value === 'active' })}
          options={[
            { value: 'active', label: t('catalog.active') },
            { value: 'inactive', label: t('catalog.inactive') },
            { value: 'all', label: t('common.all') },
          ]}
        />
      </Space>
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Table<ProductRead> rowKey="id" size="small" columns={columns} dataSource={list.rows} loading={list.loading} pagination={false} data-testid="product-list" />
          <LoadMore shown={list.rows.length} total={list.total} hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoadMore={() => void list.fetchNextPage()} />
        </>
      )}
      {editing && <ProductFormModal product={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
    </Card>
  );
}
