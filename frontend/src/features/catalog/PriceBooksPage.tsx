import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Form, Input, Row, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { PriceBookCreate, PriceBookRead, PriceBookUpdate } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { withoutBlanks } from '../../lib/formValues';
import { useServerErrors } from '../../lib/useServerErrors';
import { useAuth } from '../auth/AuthContext';
import { usePriceBookList, useSavePriceBook, type PriceBookFilters } from './api';

interface BookValues {
  name?: string;
  currency?: string;
  customer_group?: string;
  effective_from?: string;
  effective_to?: string;
  active?: boolean;
}

const blankToNull = (value: string | undefined) => (value === undefined || value.trim() === '' ? null : value.trim());

export function PriceBookFormModal({ book, onClose, onSaved }: { book?: PriceBookRead; onClose: () => void; onSaved?: (book: PriceBookRead) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<BookValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const save = useSavePriceBook();

  const submit = (values: BookValues) => {
    clear();
    const onSuccess = (saved: PriceBookRead) => {
      void message.success(t('common.saved'));
      onSaved?.(saved);
      onClose();
    };
    if (book) {
      const body: PriceBookUpdate = {
        name: values.name?.trim(),
        customer_group: blankToNull(values.customer_group),
        effective_from: values.effective_from || undefined,
        effective_to: blankToNull(values.effective_to),
        active: values.active ?? true,
        version: book.version,
      };
      save.mutate({ kind: 'update', id: book.id, body }, { onSuccess, onError: handleError });
    } else {
      const body = withoutBlanks({ ...values, currency: values.currency?.trim().toUpperCase() }) as PriceBookCreate;
      save.mutate({ kind: 'create', body }, { onSuccess, onError: handleError });
    }
  };

  return (
    <FormModal
      title={book ? t('catalog.books.editTitle') : t('catalog.books.newTitle')}
      width={640}
      form={form}
      submitting={save.isPending}
      onClose={onClose}
      serverError={serverError}
      onReload={book ? onClose : undefined}
      submitTestId="price-book-submit"
    >
      <Form<BookValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={
          book
            ? {
                name: book.name,
                currency: book.currency,
                customer_group: book.customer_group ?? undefined,
                effective_from: book.effective_from,
                effective_to: book.effective_to ?? undefined,
                active: book.active,
              }
            : { active: true, currency: 'CNY', effective_from: new Date().toISOString().slice(0, 10) }
        }
      >
        <Row gutter={12}>
          <Col span={16}>
            <Form.Item name="name" label={t('catalog.books.fields.name')} rules={[{ required: true, whitespace: true, message: t('catalog.required') }]}>
              <Input maxLength={200} data-testid="price-book-name" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="currency"
              label={t('catalog.books.fields.currency')}
              extra={book ? t('catalog.books.currencyFixed') : undefined}
              rules={[{ required: true, pattern: /^[A-Za-z]{3}$/, message: t('catalog.books.currencyInvalid') }]}
            >
              <Input maxLength={3} disabled={Boolean(book)} data-testid="price-book-currency" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="customer_group" label={t('catalog.books.fields.customer_group')} extra={t('catalog.books.groupHint')}>
              <Input maxLength={50} data-testid="price-book-group" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="active" label={t('catalog.books.fields.active')} valuePropName="checked">
              <Switch data-testid="price-book-active" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="effective_from" label={t('catalog.books.fields.effective_from')} rules={[{ required: true, message: t('catalog.required') }]}>
              <Input type="date" data-testid="price-book-from" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="effective_to" label={t('catalog.books.fields.effective_to')} extra={t('catalog.books.openEnded')}>
              <Input type="date" data-testid="price-book-to" />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </FormModal>
  );
}

export function bookPeriod(book: PriceBookRead, openEnded: string) {
  return `${book.effective_from} – ${book.effective_to ?? openEnded}`;
}

/** `/price-books`: price books per currency and customer group, each with its product prices. */
export function PriceBooksPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [filters, setFilters] = useState<PriceBookFilters>({});
  const [editing, setEditing] = useState<PriceBookRead | 'new' | null>(null);
  const list = usePriceBookList(filters);
  const writer = can('products:write');

  const columns: ColumnsType<PriceBookRead> = [
    {
      title: t('catalog.books.fields.name'),
      dataIndex: 'name',
      render: (name: string, book) => (
        <Link to={`/price-books/${book.id}`} data-testid="price-book-open">
          {name}
        </Link>
      ),
    },
    { title: t('catalog.books.fields.currency'), dataIndex: 'currency' },
    { title: t('catalog.books.fields.customer_group'), dataIndex: 'customer_group', render: (v: string | null) => v ?? <Tag>{t('catalog.books.everyone')}</Tag> },
    { title: t('catalog.books.fields.period'), key: 'period', render: (_: unknown, book) => bookPeriod(book, t('catalog.books.openEndedShort')) },
    { title: t('catalog.books.fields.active'), dataIndex: 'active', render: (active: boolean) => <Tag color={active ? 'green' : 'default'}>{active ? t('catalog.active') : t('catalog.inactive')}</Tag> },
  ];
  if (writer) {
    columns.push({
      title: '',
      key: 'edit',
      render: (_: unknown, book) => <Button size="small" icon={<EditOutlined />} data-testid="price-book-edit" aria-label={t('common.edit')} onClick={() => setEditing(book)} />,
    });
  }

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('catalog.books.title')}</Typography.Title>}
      extra={
        <Space>
          <Link to="/products">{t('catalog.products.title')}</Link>
          {writer && (
            <Button type="primary" icon={<PlusOutlined />} data-testid="price-book-new" onClick={() => setEditing('new')}>
              {t('catalog.books.new')}
            </Button>
          )}
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search allowClear style={{ width: 220 }} placeholder={t('catalog.books.searchPlaceholder')} onSearch={(q) => setFilters({ ...filters, q: q.trim() || undefined })} />
        <Input.Search
          allowClear
          style={{ width: 140 }}
          placeholder={t('catalog.books.fields.currency')}
          maxLength={3}
          onSearch={(currency) => setFilters({ ...filters, currency: /^[A-Za-z]{3}$/.test(currency.trim()) ? currency.trim() : undefined })}
        />
        <Select
          allowClear
          style={{ width: 140 }}
          placeholder={t('catalog.books.fields.active')}
          value={filters.active === undefined ? undefined : filters.active ? 'active' : 'inactive'}
          onChange={(value?: string) => setFilters({ ...filters, active: value === undefined ? undefined : value === 'active' })}
          options={[
            { value: 'active', label: t('catalog.active') },
            { value: 'inactive', label: t('catalog.inactive') },
          ]}
        />
      </Space>
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Table<PriceBookRead> rowKey="id" size="small" columns={columns} dataSource={list.rows} loading={list.loading} pagination={false} data-testid="price-book-list" />
          <LoadMore shown={list.rows.length} total={list.total} hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoadMore={() => void list.fetchNextPage()} />
        </>
      )}
      {editing && <PriceBookFormModal book={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
    </Card>
  );
}
