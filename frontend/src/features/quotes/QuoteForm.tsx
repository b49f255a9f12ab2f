import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Col, Descriptions, Form, Input, InputNumber, Row, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { QuoteCreate, QuoteLineWrite, QuoteRead, QuoteUpdate } from '../../api/types';
import { FormProblem } from '../../components/FormProblem';
import { problemMessage, problemOf } from '../../lib/problem';
import { useServerErrors } from '../../lib/useServerErrors';
import { lookupPrice, usePriceBooksFor } from './api';
import { formatMoney, formatPercent } from '../../lib/money';
import { ProductPicker } from '../catalog/ProductPicker';

export interface LineValues {
  product_id?: string;
  description?: string;
  quantity?: string;
  unit_price?: string | null;
  discount_percent?: string;
}

export interface QuoteFormValues {
  price_book_id?: string | null;
  valid_until?: string;
  discount_percent?: string;
  tax_rate_percent?: string;
  notes?: string;
  lines: LineValues[];
}

/** What pricing of new lines needs: the currency and customer group of the quote (or its deal). */
export interface PricingContext {
  currency: string;
  customerGroup: string | null;
}

function toValues(quote: QuoteRead | undefined): QuoteFormValues {
  if (!quote) return { discount_percent: '0', tax_rate_percent: '0', lines: [] };
  return {
    price_book_id: quote.price_book_id,
    valid_until: quote.valid_until ?? undefined,
    discount_percent: quote.discount_percent,
    tax_rate_percent: quote.tax_rate_percent,
    notes: quote.notes ?? undefined,
    lines: quote.lines.map((line) => ({
      product_id: line.product_id,
      description: line.description,
      quantity: line.quantity,
      unit_price: line.unit_price,
      discount_percent: line.discount_percent,
    })),
  };
}

const blank = (value: string | null | undefined) => value === undefined || value === null || String(value).trim() === '';

/** A line as the API takes it: decimals stay the strings typed (never floats); blanks are left out. */
export function lineBody(line: LineValues): QuoteLineWrite {
  return {
    product_id: line.product_id ?? '',
    quantity: String(line.quantity),
    discount_percent: blank(line.discount_percent) ? '0' : String(line.discount_percent),
    ...(blank(line.unit_price) ? {} : { unit_price: String(line.unit_price) }),
    ...(blank(line.description) ? {} : { description: String(line.description).trim() }),
  };
}

export function createBody(dealId: string, values: QuoteFormValues): QuoteCreate {
  return {
    deal_id: dealId,
    ...(values.price_book_id ? { price_book_id: values.price_book_id } : {}),
    ...(blank(values.valid_until) ? {} : { valid_until: values.valid_until }),
    discount_percent: blank(values.discount_percent) ? '0' : String(values.discount_percent),
    tax_rate_percent: blank(values.tax_rate_percent) ? '0' : String(values.tax_rate_percent),
    ...(blank(values.notes) ? {} : { notes: values.notes }),
    lines: (values.lines ?? []).map(lineBody),
  };
}

export function updateBody(quote: QuoteRead, values: QuoteFormValues): QuoteUpdate {
  return {
    price_book_id: values.price_book_id || null,
    valid_until: blank(values.valid_until) ? null : values.valid_until,
    discount_percent: blank(values.discount_percent) ? '0' : String(values.discount_percent),
    tax_rate_percent: blank(values.tax_rate_percent) ? '0' : String(values.tax_rate_percent),
    notes: blank(values.notes) ? null : values.notes,
    lines: (values.lines ?? []).map(lineBody),
    version: quote.version,
  };
}

interface QuoteFormProps {
  quote?: QuoteRead;
  pricing: PricingContext;
  editable: boolean;
  saving: boolean;
  /** Saves; rejects with the server's error, which lands on the fields or the banner. */
  onSave: (values: QuoteFormValues) => Promise<unknown>;
  onDirtyChange: (dirty: boolean) => void;
  /** Shown next to Save (e.g. "saving creates revision 3"). */
  saveHint?: string;
}

const decimal = { stringMode: true, style: { width: '100%' } } as const;

/** The header fields and lines of a quote; totals are the server's, shown after each save. */
export function QuoteForm({ quote, pricing, editable, saving, onSave, onDirtyChange, saveHint }: QuoteFormProps) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<QuoteFormValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const [dirty, setDirty] = useState(false);
  const books = usePriceBooksFor(pricing.currency, editable);
  const money = (value: string | undefined) => (value === undefined ? '—' : formatMoney(value, pricing.currency, i18n.language));

  const markDirty = () => {
    if (!dirty) {
      setDirty(true);
      onDirtyChange(true);
    }
  };

  /** A product was picked on line `index`: propose its list price (GET /price-lookup). */
  const onProductPicked = async (index: number, productName: string) => {
    const current = form.getFieldValue(['lines', index]) as LineValues | undefined;
    form.setFieldValue(['lines', index, 'description'], productName);
    if (blank(current?.quantity)) form.setFieldValue(['lines', index, 'quantity'], '1');
    if (blank(current?.discount_percent)) form.setFieldValue(['lines', index, 'discount_percent'], '0');
    form.setFieldValue(['lines', index, 'unit_price'], undefined);
    const productId = current?.product_id;
    if (!productId) return;
    try {
      const price = await lookupPrice(productId, pricing.currency, pricing.customerGroup);
      const book = form.getFieldValue('price_book_id') as string | null | undefined;
      // The lookup answers from the customer group's or the general book; with another book chosen,
      // the server applies that book's price when the line's price is left blank.
      if (book && book !== price.price_book_id) return;
      if ((form.getFieldValue(['lines', index, 'product_id']) as string | undefined) !== productId) return;
      form.setFieldValue(['lines', index, 'unit_price'], price.unit_price);
    } catch (error) {
      const problem = problemOf(error);
      void message.warning(problem.status === 404 ? t('quotes.line.noPrice', { currency: pricing.currency }) : problemMessage(problem, t));
    }
  };

  const submit = (values: QuoteFormValues) => {
    clear();
    onSave(values).then(
      () => {
        setDirty(false);
        onDirtyChange(false);
      },
      handleError,
    );
  };

  const savedLine = (index: number) => (!dirty && quote ? quote.lines[index] : undefined);
  const bookOptions = (books.data?.items ?? []).map((b) => ({ value: b.id, label: b.customer_group ? `${b.name} (${b.customer_group})` : b.name }));
  if (quote?.price_book_id && !bookOptions.some((o) => o.value === quote.price_book_id)) {
    bookOptions.push({ value: quote.price_book_id, label: quote.price_book_id });
  }

  return (
    <>
      <FormProblem error={serverError} />
      <Form<QuoteFormValues>
        form={form}
        layout="vertical"
        disabled={!editable}
        initialValues={toValues(quote)}
        onValuesChange={markDirty}
        onFinish={submit}
        data-testid="quote-form"
      >
        <Row gutter={12}>
          <Col xs={24} md={8}>
            <Form.Item name="price_book_id" label={t('quotes.fields.price_book')} extra={t('quotes.fields.priceBookHint')}>
              <Select allowClear data-testid="quote-price-book" loading={books.isFetching} options={bookOptions} placeholder={t('quotes.fields.priceBookDefault')} />
            </Form.Item>
          </Col>
          <Col xs={12} md={4}>
            <Form.Item name="valid_until" label={t('quotes.fields.valid_until')}>
              <Input type="date" data-testid="quote-valid-until" />
            </Form.Item>
          </Col>
          <Col xs={12} md={4}>
            <Form.Item name="discount_percent" label={t('quotes.fields.discount_percent')}>
              <InputNumber {...decimal} min="0" max="100" data-testid="quote-discount" suffix="%" />
            </Form.Item>
          </Col>
          <Col xs={12} md={4}>
            <Form.Item name="tax_rate_percent" label={t('quotes.fields.tax_rate_percent')}>
              <InputNumber {...decimal} min="0" max="100" data-testid="quote-tax" suffix="%" />
            </Form.Item>
          </Col>
        </Row>

        <Typography.Title level={5}>{t('quotes.lines')}</Typography.Title>
        <Form.List name="lines">
          {(fields, { add, remove }, { errors }) => (
            <div data-testid="quote-lines">
              <Row gutter={8} style={{ fontWeight: 600, marginBottom: 4 }}>
                <Col span={6}>{t('quotes.line.product')}</Col>
                <Col span={5}>{t('quotes.line.description')}</Col>
                <Col span={3}>{t('quotes.line.quantity')}</Col>
                <Col span={3}>{t('quotes.line.unit_price')}</Col>
                <Col span={2}>{t('quotes.line.discount_percent')}</Col>
                <Col span={4}>{t('quotes.line.total')}</Col>
              </Row>
              {fields.map((field, index) => {
                const saved = savedLine(index);
                return (
                  <Row gutter={8} key={field.key} data-testid="quote-line">
                    <Col span={6}>
                      <Form.Item name={[field.name, 'product_id']} rules={[{ required: true, message: t('quotes.line.productRequired') }]}>
                        <ProductPicker
                          currentLabel={quote?.lines[index]?.description}
                          onPicked={(product) => void onProductPicked(index, product.name)}
                        />
                      </Form.Item>
                    </Col>
                    <Col span={5}>
                      <Form.Item name={[field.name, 'description']}>
                        <Input data-testid="quote-line-description" maxLength={500} />
                      </Form.Item>
                    </Col>
                    <Col span={3}>
                      <Form.Item name={[field.name, 'quantity']} rules={[{ required: true, message: t('quotes.line.quantityRequired') }]}>
                        <InputNumber {...decimal} min="0" data-testid="quote-line-quantity" />
                      </Form.Item>
                    </Col>
                    <Col span={3}>
                      <Form.Item name={[field.name, 'unit_price']}>
                        <InputNumber {...decimal} min="0" data-testid="quote-line-price" placeholder={t('quotes.line.listPrice')} />
                      </Form.Item>
                    </Col>
                    <Col span={2}>
                      <Form.Item name={[field.name, 'discount_percent']}>
                        <InputNumber {...decimal} min="0" max="100" data-testid="quote-line-discount" />
                      </Form.Item>
                    </Col>
                    <Col span={4}>
                      <div style={{ paddingTop: 5 }} data-testid="quote-line-total">
                        {saved ? (
                          <span title={t('quotes.line.listPriceWas', { price: money(saved.list_unit_price) })}>{money(saved.line_total)}</span>
                        ) : (
                          <Typography.Text type="secondary">{t('quotes.line.totalOnSave')}</Typography.Text>
                        )}
                      </div>
                    </Col>
                    <Col span={1}>
                      {editable && (
                        <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('quotes.line.remove')} data-testid="quote-line-remove" onClick={() => remove(field.name)} />
                      )}
                    </Col>
                  </Row>
                );
              })}
              <Form.ErrorList errors={errors} />
              {editable && (
                <Button icon={<PlusOutlined />} data-testid="quote-line-add" onClick={() => add({ quantity: '1', discount_percent: '0' })}>
                  {t('quotes.line.add')}
                </Button>
              )}
            </div>
          )}
        </Form.List>

        <Form.Item name="notes" label={t('quotes.fields.notes')} style={{ marginTop: 16 }}>
          <Input.TextArea rows={3} data-testid="quote-notes" />
        </Form.Item>

        {editable && (
          <Space>
            <Button type="primary" htmlType="submit" loading={saving} data-testid="quote-save">
              {t('common.save')}
            </Button>
            {saveHint && <Typography.Text type="secondary">{saveHint}</Typography.Text>}
            {dirty && quote && <Typography.Text type="warning" data-testid="quote-unsaved">{t('quotes.unsaved')}</Typography.Text>}
          </Space>
        )}
      </Form>

      {quote && (
        <Descriptions size="small" bordered column={1} style={{ marginTop: 16, maxWidth: 420, marginLeft: 'auto' }} data-testid="quote-totals">
          <Descriptions.Item label={t('quotes.totals.list_total')}>
            <span data-testid="quote-list-total">{money(quote.list_total)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('quotes.totals.subtotal')}>
            <span data-testid="quote-subtotal">{money(quote.subtotal)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('quotes.totals.discount', { percent: formatPercent(quote.discount_percent) })}>
            <span data-testid="quote-discount-amount">{money(quote.discount_amount)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('quotes.totals.tax', { percent: formatPercent(quote.tax_rate_percent) })}>
            <span data-testid="quote-tax-amount">{money(quote.tax_amount)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={<strong>{t('quotes.totals.total')}</strong>}>
            <strong data-testid="quote-total">{money(quote.total)}</strong>
          </Descriptions.Item>
          <Descriptions.Item label={t('quotes.totals.effective_discount')}>
            <span data-testid="quote-effective-discount">{formatPercent(quote.effective_discount_percent)}</span>
          </Descriptions.Item>
        </Descriptions>
      )}
    </>
  );
}
