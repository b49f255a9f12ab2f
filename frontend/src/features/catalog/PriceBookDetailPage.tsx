import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Form, InputNumber, Popconfirm, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { PriceBookEntryRead, PriceBookRead } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { LoadMore } from '../../components/LoadMore';
import { NotFound } from '../../components/NotFound';
import { QueryError } from '../../components/QueryError';
import { isApiError, problemMessage, problemOf } from '../../lib/problem';
import { useServerErrors } from '../../lib/useServerErrors';
import { useAuth } from '../auth/AuthContext';
import { formatMoney } from '../../lib/money';
import { ProductPicker } from './ProductPicker';
import { useDeleteEntry, usePriceBook, usePriceBookEntries, useProductNames, useSetEntry } from './api';
import { bookPeriod, PriceBookFormModal } from './PriceBooksPage';

interface EntryValues {
  product_id?: string;
  unit_price?: string;
}

function EntryModal({ book, entry, productLabel, onClose }: { book: PriceBookRead; entry?: PriceBookEntryRead; productLabel?: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<EntryValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const setEntry = useSetEntry(book.id);

  const submit = (values: EntryValues) => {
    clear();
    setEntry.mutate(
      { productId: values.product_id ?? '', unitPrice: String(values.unit_price) },
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
      title={entry ? t('catalog.entries.editTitle') : t('catalog.entries.newTitle')}
      form={form}
      submitting={setEntry.isPending}
      onClose={onClose}
      serverError={serverError}
      submitTestId="entry-submit"
    >
      <Form<EntryValues> form={form} layout="vertical" onFinish={submit} initialValues={entry ? { product_id: entry.product_id, unit_price: entry.unit_price } : {}}>
        <Form.Item name="product_id" label={t('catalog.entries.product')} rules={[{ required: true, message: t('catalog.required') }]}>
          <ProductPicker testId="entry-product" currentLabel={productLabel} disabled={Boolean(entry)} />
        </Form.Item>
        <Form.Item name="unit_price" label={t('catalog.entries.unitPrice', { currency: book.currency })} rules={[{ required: true, message: t('catalog.required') }]}>
          <InputNumber stringMode min="0" style={{ width: 220 }} data-testid="entry-price" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

function Entries({ book }: { book: PriceBookRead }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const list = usePriceBookEntries(book.id);
  const names = useProductNames();
  const remove = useDeleteEntry(book.id);
  const [editing, setEditing] = useState<PriceBookEntryRead | 'new' | null>(null);
  const writer = can('products:write');
  const label = (productId: string) => {
    const product = names.data?.get(productId);
    return product ? `${product.sku} · ${product.name}` : productId;
  };

  const columns: ColumnsType<PriceBookEntryRead> = [
    { title: t('catalog.entries.product'), dataIndex: 'product_id', render: (id: string) => <span data-testid="entry-product-name">{label(id)}</span> },
    {
      title: t('catalog.entries.unitPrice', { currency: book.currency }),
      dataIndex: 'unit_price',
      align: 'right',
      render: (price: string) => <span data-testid="entry-row-price">{formatMoney(price, book.currency, i18n.language)}</span>,
    },
    { title: t('catalog.entries.updatedAt'), dataIndex: 'updated_at', render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
  ];
  if (writer) {
    columns.push({
      title: '',
      key: 'actions',
      render: (_: unknown, entry) => (
        <Space>
          <Button size="small" icon={<EditOutlined />} aria-label={t('common.edit')} data-testid="entry-edit" onClick={() => setEditing(entry)} />
          <Popconfirm
            title={t('catalog.entries.confirmRemove')}
            okText={t('common.delete')}
            cancelText={t('common.cancel')}
            onConfirm={() =>
              remove.mutate(entry.product_id, {
                onSuccess: () => void message.success(t('common.deleted')),
                onError: (error) => void message.error(problemMessage(problemOf(error), t)),
              })
            }
          >
            <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="entry-remove" />
          </Popconfirm>
        </Space>
      ),
    });
  }

  return (
    <>
      <Space style={{ marginBottom: 8 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('catalog.entries.title')}
        </Typography.Title>
        {writer && (
          <Button size="small" icon={<PlusOutlined />} data-testid="entry-new" onClick={() => setEditing('new')}>
            {t('catalog.entries.new')}
          </Button>
        )}
      </Space>
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Table<PriceBookEntryRead> rowKey="id" size="small" columns={columns} dataSource={list.rows} loading={list.loading} pagination={false} data-testid="entry-list" />
          <LoadMore shown={list.rows.length} total={list.total} hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoadMore={() => void list.fetchNextPage()} />
        </>
      )}
      {editing && (
        <EntryModal
          book={book}
          entry={editing === 'new' ? undefined : editing}
          productLabel={editing === 'new' ? undefined : label(editing.product_id)}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}

/** `/price-books/:id`: a price book and its product prices. */
export function PriceBookDetailPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { id = '' } = useParams();
  const book = usePriceBook(id);
  const [editing, setEditing] = useState(false);
  if (book.isPending) return <Skeleton active />;
  if (book.isError) {
    if (isApiError(book.error) && [404, 422].includes(book.error.status)) return <NotFound />;
    return <QueryError error={book.error} onRetry={() => void book.refetch()} />;
  }
  const b = book.data;
  return (
    <Card
      title={
        <Space>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="price-book-title">
            {b.name}
          </Typography.Title>
          <Tag color={b.active ? 'green' : 'default'}>{b.active ? t('catalog.active') : t('catalog.inactive')}</Tag>
        </Space>
      }
      extra={
        <Space>
          <Link to="/price-books">{t('catalog.books.title')}</Link>
          {can('products:write') && (
            <Button icon={<EditOutlined />} data-testid="price-book-edit" onClick={() => setEditing(true)}>
              {t('common.edit')}
            </Button>
          )}
        </Space>
      }
    >
      <Descriptions size="small" bordered column={{ xs: 1, md: 3 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('catalog.books.fields.currency')}>{b.currency}</Descriptions.Item>
        <Descriptions.Item label={t('catalog.books.fields.customer_group')}>{b.customer_group ?? t('catalog.books.everyone')}</Descriptions.Item>
        <Descriptions.Item label={t('catalog.books.fields.period')}>{bookPeriod(b, t('catalog.books.openEndedShort'))}</Descriptions.Item>
      </Descriptions>
      <Entries book={b} />
      {editing && <PriceBookFormModal book={b} onClose={() => setEditing(false)} />}
    </Card>
  );
}
