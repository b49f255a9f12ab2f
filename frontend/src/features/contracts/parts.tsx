import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ContractStatus, DocumentLineIn, DocumentLineRead } from '../../api/types';
import { useAuth } from '../auth/AuthContext';
import { useCustomer, useCustomerSearch } from '../customers/api';
import { CONTRACT_STATUS_COLORS } from './api';
import { formatMoney } from '../../lib/money';


/** A server amount in its currency, formatted for the current language. */
export function Money({ value, currency, testId }: { value: string | null | undefined; currency: string; testId?: string }) {
  const { i18n } = useTranslation();
  return <span data-testid={testId}>{formatMoney(value, currency, i18n.resolvedLanguage ?? i18n.language)}</span>;
}

export function ContractStatusTag({ status, testId }: { status: ContractStatus; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={CONTRACT_STATUS_COLORS[status]} data-testid={testId}>
      {t(`contracts.status.${status}`, { defaultValue: status })}
    </Tag>
  );
}

/**
 * A link to a customer, named when the user may read customers. Lists pass the name their
 * items carry (`customer_name`), so no customer is fetched per row.
 */
export function CustomerLink({ id, name: known }: { id: string; name?: string | null }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const readable = can('customers:read');
  const customer = useCustomer(id, readable && !known);
  const name = known ?? customer.data?.name ?? t('contracts.customer');
  return readable ? <Link to={`/customers/${id}`}>{name}</Link> : <span>{name}</span>;
}

/** A Select searching customers by name (for a Form.Item holding the customer's id). */
export function CustomerPicker({ value, onChange, testId }: { value?: string; onChange?: (id: string) => void; testId?: string }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const search = useCustomerSearch(q);
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value}
      onChange={onChange}
      placeholder={t('contracts.form.customerSearch')}
      loading={search.isFetching}
      data-testid={testId}
      notFoundContent={search.isFetching ? null : t('contracts.form.noCustomers')}
      options={(search.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
    />
  );
}

/** The lines of a contract or order, with the server's line totals and the document total. */
export function LinesTable({ lines, currency, total, testId }: { lines: DocumentLineRead[]; currency: string; total: string; testId: string }) {
  const { t } = useTranslation();
  const columns: ColumnsType<DocumentLineRead & { key: number }> = [
    { title: t('contracts.lines.description'), dataIndex: 'description' },
    { title: t('contracts.lines.quantity'), dataIndex: 'quantity', align: 'right' },
    { title: t('contracts.lines.unitPrice'), dataIndex: 'unit_price', align: 'right', render: (v: string) => <Money value={v} currency={currency} /> },
    { title: t('contracts.lines.discount'), dataIndex: 'discount_percent', align: 'right', render: (v: string) => `${v}%` },
    { title: t('contracts.lines.lineTotal'), dataIndex: 'line_total', align: 'right', render: (v: string) => <Money value={v} currency={currency} /> },
  ];
  return (
    <Table<DocumentLineRead & { key: number }>
      size="small"
      columns={columns}
      dataSource={lines.map((line, index) => ({ ...line, key: index }))}
      pagination={false}
      data-testid={testId}
      locale={{ emptyText: t('contracts.lines.none') }}
      summary={() => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0} colSpan={4} align="right">
            <Typography.Text strong>{t('contracts.fields.total')}</Typography.Text>
          </Table.Summary.Cell>
          <Table.Summary.Cell index={1} align="right">
            <Typography.Text strong>
              <Money value={total} currency={currency} testId={`${testId}-total`} />
            </Typography.Text>
          </Table.Summary.Cell>
        </Table.Summary.Row>
      )}
    />
  );
}

/** Form values of one line (strings, as typed). */
export interface LineValues {
  description?: string;
  quantity?: string;
  unit_price?: string;
  discount_percent?: string;
}

export function linesToForm(lines: DocumentLineRead[]): LineValues[] {
  return lines.map(({ description, quantity, unit_price, discount_percent }) => ({ description, quantity, unit_price, discount_percent }));
}

/** Lines as the API takes them: decimal strings as typed, the server computes the totals. */
export function linesFromForm(lines: LineValues[] | undefined): DocumentLineIn[] {
  return (lines ?? []).map((line) => ({
    description: (line.description ?? '').trim(),
    quantity: (line.quantity ?? '').trim(),
    unit_price: (line.unit_price ?? '').trim(),
    discount_percent: (line.discount_percent ?? '').trim() || '0',
  }));
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** The Form.List editing document lines (field names `lines[i].*`, matching the API's error locations). */
export function LinesEditor() {
  const { t } = useTranslation();
  const decimal = { pattern: DECIMAL, message: t('contracts.lines.decimal') };
  return (
    <Form.List name="lines">
      {(fields, { add, remove }) => (
        <>
          {fields.map((field) => (
            <Space key={field.key} align="baseline" wrap data-testid="contract-line">
              <Form.Item name={[field.name, 'description']} rules={[{ required: true, whitespace: true, message: t('contracts.lines.descriptionRequired') }]}>
                <Input placeholder={t('contracts.lines.description')} style={{ width: 220 }} data-testid="line-description" />
              </Form.Item>
              <Form.Item name={[field.name, 'quantity']} rules={[{ required: true, message: t('contracts.lines.quantityRequired') }, decimal]}>
                <Input placeholder={t('contracts.lines.quantity')} style={{ width: 90 }} inputMode="decimal" data-testid="line-quantity" />
              </Form.Item>
              <Form.Item name={[field.name, 'unit_price']} rules={[{ required: true, message: t('contracts.lines.priceRequired') }, decimal]}>
                <Input placeholder={t('contracts.lines.unitPrice')} style={{ width: 120 }} inputMode="decimal" data-testid="line-unit-price" />
              </Form.Item>
              <Form.Item name={[field.name, 'discount_percent']} rules={[decimal]}>
                <Input placeholder={t('contracts.lines.discount')} suffix="%" style={{ width: 90 }} inputMode="decimal" data-testid="line-discount" />
              </Form.Item>
              <MinusCircleOutlined aria-label={t('contracts.lines.remove')} onClick={() => remove(field.name)} />
            </Space>
          ))}
          <Form.Item>
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ quantity: '1', discount_percent: '0' })} data-testid="line-add">
              {t('contracts.lines.add')}
            </Button>
          </Form.Item>
        </>
      )}
    </Form.List>
  );
}
