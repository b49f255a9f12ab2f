import { useQueryClient } from '@tanstack/react-query';
import { App, Col, DatePicker, Form, Input, Row, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { DealCreate, DealRead, DealUpdate } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { useActiveCustomFields } from '../customfields/api';
import { CustomFieldInputs } from '../customfields/CustomFieldInputs';
import { customFieldsForCreate, customFieldsForUpdate, type CustomValues } from '../customfields/values';
import { useServerErrors } from '../../lib/useServerErrors';
import { useCustomerSearch } from '../customers/api';
import { dealKeys, useCreateDeal, usePipelines, useUpdateDeal } from './api';

interface DealFormValues {
  customer_id?: string;
  pipeline_id?: string;
  name: string;
  amount?: string;
  currency: string;
  expected_close_date?: Dayjs | null;
  product_line?: string;
  notes?: string;
  custom_fields?: CustomValues;
}

const AMOUNT = /^\d{1,16}(\.\d{1,2})?$/;
const CURRENCY = /^[A-Z]{3}$/;

function toValues(deal: DealRead | undefined, customerId: string | undefined): DealFormValues {
  if (!deal) return { customer_id: customerId, name: '', currency: 'CNY', expected_close_date: null };
  return {
    name: deal.name,
    amount: deal.amount,
    currency: deal.currency,
    expected_close_date: deal.expected_close_date ? dayjs(deal.expected_close_date) : null,
    product_line: deal.product_line ?? undefined,
    notes: deal.notes ?? undefined,
    custom_fields: { ...deal.custom_fields },
  };
}

const trimmed = (value: string | undefined) => (value?.trim() ? value.trim() : null);

/**
 * A new deal (customer picked by search or given, pipeline: the default unless chosen), or the
 * edit of one (`deal`, sent with its version: a 412 offers to reload). Server field errors land on
 * the fields.
 */
export function DealFormModal({
  deal,
  customer,
  onClose,
  onCreated,
}: {
  deal?: DealRead;
  /** A new deal for this customer (the picker is then fixed to it). */
  customer?: { id: string; name: string };
  onClose: () => void;
  /** After creating; default: open the new deal. */
  onCreated?: (deal: DealRead) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<DealFormValues>();
  const customFields = useActiveCustomFields('deal');
  const { serverError, handleError, clear } = useServerErrors(form);
  const create = useCreateDeal();
  const update = useUpdateDeal(deal?.id ?? '');
  const pipelines = usePipelines(false, !deal);
  const [customerQ, setCustomerQ] = useState('');
  const customers = useCustomerSearch(customerQ, !deal && !customer);

  const reload = () => {
    void queryClient.invalidateQueries({ queryKey: dealKeys.all });
    onClose();
  };

  const onSubmit = (values: DealFormValues) => {
    clear();
    const closeDate = values.expected_close_date ? values.expected_close_date.format('YYYY-MM-DD') : null;
    if (deal) {
      const body: DealUpdate = {
        name: values.name.trim(),
        amount: values.amount?.trim() || '0',
        currency: values.currency,
        expected_close_date: closeDate,
        product_line: trimmed(values.product_line),
        notes: trimmed(values.notes),
        custom_fields: customFieldsForUpdate(customFields.fields, values.custom_fields),
        version: deal.version,
      };
      update.mutate(body, {
        onSuccess: () => {
          void message.success(t('deals.saved'));
          onClose();
        },
        onError: handleError,
      });
      return;
    }
    const body: DealCreate = {
      name: values.name.trim(),
      customer_id: (customer?.id ?? values.customer_id)!,
      amount: values.amount?.trim() || '0',
      currency: values.currency,
      custom_fields: customFieldsForCreate(values.custom_fields) ?? {},
      ...(values.pipeline_id ? { pipeline_id: values.pipeline_id } : {}),
      ...(closeDate ? { expected_close_date: closeDate } : {}),
      ...(trimmed(values.product_line) ? { product_line: trimmed(values.product_line) } : {}),
      ...(trimmed(values.notes) ? { notes: trimmed(values.notes) } : {}),
    };
    create.mutate(body, {
      onSuccess: (created) => {
        void message.success(t('deals.created'));
        onClose();
        if (onCreated) onCreated(created);
        else void navigate(`/deals/${created.id}`);
      },
      onError: handleError,
    });
  };

  return (
    <FormModal
      title={deal ? t('deals.editTitle') : t('deals.newTitle')}
      width={640}
      form={form}
      submitting={create.isPending || update.isPending}
      onClose={onClose}
      serverError={serverError}
      onReload={deal ? reload : undefined}
      submitTestId="deal-submit"
    >
      <Form<DealFormValues> form={form} layout="vertical" initialValues={toValues(deal, customer?.id)} onFinish={onSubmit}>
        {!deal && (
          <Row gutter={12}>
            <Col span={14}>
              <Form.Item name="customer_id" label={t('deals.fields.customer')} rules={[{ required: true, message: t('deals.validation.customerRequired') }]}>
                {customer ? (
                  <Select disabled options={[{ value: customer.id, label: customer.name }]} data-testid="deal-customer" />
                ) : (
                  <Select
                    showSearch={{ filterOption: false, onSearch: (value) => setCustomerQ(value.trim()) }}
                    placeholder={t('deals.searchCustomer')}
                    data-testid="deal-customer"
                    loading={customers.isFetching}
                    notFoundContent={customers.isFetching ? undefined : t('deals.noCustomerFound')}
                    options={(customers.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
                  />
                )}
              </Form.Item>
            </Col>
            <Col span={10}>
              <Form.Item name="pipeline_id" label={t('deals.fields.pipeline')}>
                <Select
                  allowClear
                  data-testid="deal-pipeline"
                  placeholder={t('deals.defaultPipeline')}
                  loading={pipelines.isPending}
                  options={(pipelines.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
                />
              </Form.Item>
            </Col>
          </Row>
        )}
        <Form.Item name="name" label={t('deals.fields.name')} rules={[{ required: true, whitespace: true, message: t('deals.validation.nameRequired') }, { max: 200 }]}>
          <Input data-testid="deal-name" />
        </Form.Item>
        <Row gutter={12}>
          <Col span={10}>
            <Form.Item name="amount" label={t('deals.fields.amount')} rules={[{ pattern: AMOUNT, message: t('deals.validation.amount') }]}>
              <Input inputMode="decimal" data-testid="deal-amount" placeholder="0.00" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item
              name="currency"
              label={t('deals.fields.currency')}
              normalize={(value: string) => value.toUpperCase()}
              rules={[{ required: true, pattern: CURRENCY, message: t('deals.validation.currency') }]}
            >
              <Input maxLength={3} data-testid="deal-currency" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="expected_close_date" label={t('deals.fields.expected_close_date')}>
              <DatePicker style={{ width: '100%' }} data-testid="deal-close-date" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="product_line" label={t('deals.fields.product_line')} rules={[{ max: 100 }]}>
          <Input data-testid="deal-product-line" />
        </Form.Item>
        <Form.Item name="notes" label={t('deals.fields.notes')}>
          <Input.TextArea rows={3} data-testid="deal-notes" />
        </Form.Item>
        <Row gutter={12}>
          <CustomFieldInputs fields={customFields.fields} />
        </Row>
      </Form>
    </FormModal>
  );
}
