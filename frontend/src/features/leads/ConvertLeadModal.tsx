import { Alert, App, Button, Checkbox, Col, DatePicker, Divider, Flex, Form, Input, Modal, Radio, Result, Row, Select, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CustomerCreate, LeadConvertRequest, LeadConvertResult, LeadRead } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { withoutBlanks } from '../../lib/formValues';
import { useServerErrors } from '../../lib/useServerErrors';
import { ReasonTags } from '../duplicates/PossibleDuplicates';
import { useCustomerSearch } from '../customers/api';
import { ConvertDuplicatesError, useConvertLead, type ConvertDuplicate } from './api';

interface ConvertValues {
  customerMode: 'new' | 'existing';
  customer_id?: string;
  customer?: { kind: 'company' | 'person'; name: string };
  withContact: boolean;
  contact?: { name: string; title?: string; phone?: string; email?: string };
  withDeal: boolean;
  deal?: { name: string; amount?: string; currency: string; expected_close_date?: Dayjs | null };
}

function initialValues(lead: LeadRead): ConvertValues {
  const name = lead.company_name || lead.person_name || '';
  return {
    customerMode: 'new',
    customer: { kind: lead.company_name ? 'company' : 'person', name },
    withContact: Boolean(lead.person_name),
    contact: {
      name: lead.person_name ?? '',
      title: lead.title ?? undefined,
      phone: lead.phone ?? undefined,
      email: lead.email ?? undefined,
    },
    withDeal: false,
    deal: { name, amount: undefined, currency: 'CNY', expected_close_date: null },
  };
}

/** The lead's own data the new customer keeps (the user edits only the name and kind). */
function newCustomer(lead: LeadRead, values: NonNullable<ConvertValues['customer']>): CustomerCreate {
  return {
    ...withoutBlanks({ phone: lead.phone, email: lead.email, province: lead.province, city: lead.city, source: lead.source }),
    kind: values.kind,
    name: values.name.trim(),
  };
}

/**
 * Converts the lead in one go: a new customer (duplicate-checked by the server) or an existing
 * one, optionally a contact and a deal. A 409 with possible duplicates lists them: link one, or
 * create the new customer anyway.
 */
export function ConvertLeadModal({ lead, onClose }: { lead: LeadRead; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ConvertValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const convert = useConvertLead(lead.id);
  const [duplicates, setDuplicates] = useState<{ items: ConvertDuplicate[]; hidden: number } | null>(null);
  const [result, setResult] = useState<LeadConvertResult | null>(null);
  const [customerQ, setCustomerQ] = useState('');
  const mode = Form.useWatch('customerMode', form) ?? 'new';
  const withContact = Form.useWatch('withContact', form);
  const withDeal = Form.useWatch('withDeal', form);
  const customers = useCustomerSearch(customerQ, mode === 'existing');

  const send = (override: Partial<LeadConvertRequest> = {}) => {
    const values = form.getFieldsValue(true) as ConvertValues;
    clear();
    const body: LeadConvertRequest = { on_duplicate: override.on_duplicate ?? 'refuse' };
    if (override.customer_id) body.customer_id = override.customer_id;
    else if (values.customerMode === 'existing') body.customer_id = values.customer_id;
    else body.customer = newCustomer(lead, values.customer!);
    body.contact =
      values.withContact && values.contact ? { ...withoutBlanks(values.contact), name: values.contact.name.trim(), is_primary: true } : null;
    if (values.withDeal && values.deal) {
      const { name, amount, currency, expected_close_date } = values.deal;
      body.deal = {
        name: name.trim(),
        currency,
        amount: amount?.trim() || '0',
        ...(expected_close_date ? { expected_close_date: expected_close_date.format('YYYY-MM-DD') } : {}),
      };
    } else {
      body.deal = null;
    }
    convert.mutate(body, {
      onSuccess: (converted) => {
        setDuplicates(null);
        setResult(converted);
        void message.success(t('leads.convert.done'));
      },
      onError: (error) => {
        if (error instanceof ConvertDuplicatesError) {
          setDuplicates({ items: error.duplicates, hidden: error.hiddenMatches });
          return;
        }
        setDuplicates(null);
        handleError(error);
      },
    });
  };

  if (result) {
    return (
      <Modal open title={t('leads.convert.title')} onCancel={onClose} footer={<Button onClick={onClose}>{t('leads.convert.close')}</Button>}>
        <Result
          status="success"
          title={t('leads.convert.done')}
          extra={
            <Space orientation="vertical" data-testid="convert-result">
              <Link to={`/customers/${result.customer_id}`} data-testid="convert-customer-link">
                {result.customer_created ? t('leads.convert.customerCreated') : t('leads.convert.customerLinked')}
              </Link>
              {result.deal_id && (
                <Link to={`/deals/${result.deal_id}`} data-testid="convert-deal-created">
                  {t('leads.convert.dealCreated')}
                </Link>
              )}
              {result.contact_id && <Typography.Text>{t('leads.convert.contactCreated')}</Typography.Text>}
            </Space>
          }
        />
      </Modal>
    );
  }

  return (
    <FormModal
      title={t('leads.convert.title')}
      width={720}
      okText={t('leads.convert.submit')}
      form={form}
      submitting={convert.isPending}
      onClose={onClose}
      serverError={serverError}
      submitTestId="convert-submit"
    >
      {duplicates && (
        <Alert
          type="warning"
          showIcon
          data-testid="convert-duplicates"
          style={{ marginBottom: 12 }}
          title={t('leads.convert.duplicatesTitle')}
          description={
            <>
              {duplicates.items.map((dup) => (
                <Flex key={dup.customer.id} gap={8} align="center" wrap style={{ margin: '8px 0' }} data-testid="convert-duplicate">
                  <Link to={`/customers/${dup.customer.id}`} target="_blank">
                    {dup.customer.name}
                  </Link>
                  <ReasonTags reasons={dup.reasons} />
                  <Button size="small" data-testid="convert-link-duplicate" onClick={() => send({ customer_id: dup.customer.id })}>
                    {t('leads.convert.linkThis')}
                  </Button>
                </Flex>
              ))}
              {duplicates.hidden > 0 && <Typography.Paragraph type="secondary">{t('leads.convert.hiddenMatches', { count: duplicates.hidden })}</Typography.Paragraph>}
              <Button danger data-testid="convert-create-anyway" onClick={() => send({ on_duplicate: 'create' })}>
                {t('leads.convert.createAnyway')}
              </Button>
            </>
          }
        />
      )}
      <Form<ConvertValues> form={form} layout="vertical" initialValues={initialValues(lead)} onFinish={() => send()}>
        <Divider titlePlacement="start">{t('leads.convert.customer')}</Divider>
        <Form.Item name="customerMode">
          <Radio.Group data-testid="convert-customer-mode" onChange={() => setDuplicates(null)}>
            <Radio value="new">{t('leads.convert.newCustomer')}</Radio>
            <Radio value="existing">{t('leads.convert.existingCustomer')}</Radio>
          </Radio.Group>
        </Form.Item>
        {mode === 'new' ? (
          <Row gutter={12}>
            <Col span={8}>
              <Form.Item name={['customer', 'kind']} label={t('leads.convert.kind')}>
                <Select
                  options={[
                    { value: 'company', label: t('leads.convert.kindCompany') },
                    { value: 'person', label: t('leads.convert.kindPerson') },
                  ]}
                />
              </Form.Item>
            </Col>
            <Col span={16}>
              <Form.Item
                name={['customer', 'name']}
                label={t('leads.convert.customerName')}
                rules={[{ required: true, whitespace: true, message: t('leads.convert.nameRequired') }]}
              >
                <Input data-testid="convert-customer-name" />
              </Form.Item>
            </Col>
          </Row>
        ) : (
          <Form.Item name="customer_id" label={t('leads.convert.pickCustomer')} rules={[{ required: true, message: t('leads.convert.pickCustomerRequired') }]}>
            <Select
              showSearch={{ filterOption: false, onSearch: (value) => setCustomerQ(value.trim()) }}
              data-testid="convert-customer-pick"
              loading={customers.isFetching}
              options={(customers.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
            />
          </Form.Item>
        )}

        <Divider titlePlacement="start">{t('leads.convert.contact')}</Divider>
        <Form.Item name="withContact" valuePropName="checked">
          <Checkbox data-testid="convert-with-contact">{t('leads.convert.withContact')}</Checkbox>
        </Form.Item>
        {withContact && (
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name={['contact', 'name']} label={t('leads.fields.person_name')} rules={[{ required: true, whitespace: true, message: t('leads.convert.nameRequired') }]}>
                <Input data-testid="convert-contact-name" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name={['contact', 'title']} label={t('leads.fields.title')}>
                <Input />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name={['contact', 'phone']} label={t('leads.fields.phone')}>
                <Input />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name={['contact', 'email']} label={t('leads.fields.email')}>
                <Input />
              </Form.Item>
            </Col>
          </Row>
        )}

        <Divider titlePlacement="start">{t('leads.convert.deal')}</Divider>
        <Form.Item name="withDeal" valuePropName="checked">
          <Checkbox data-testid="convert-with-deal">{t('leads.convert.withDeal')}</Checkbox>
        </Form.Item>
        {withDeal && (
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name={['deal', 'name']} label={t('leads.convert.dealName')} rules={[{ required: true, whitespace: true, message: t('leads.convert.nameRequired') }]}>
                <Input data-testid="convert-deal-name" />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item
                name={['deal', 'amount']}
                label={t('leads.convert.amount')}
                rules={[{ pattern: /^\d+(\.\d{1,2})?$/, message: t('leads.convert.amountInvalid') }]}
              >
                <Input data-testid="convert-deal-amount" inputMode="decimal" />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item
                name={['deal', 'currency']}
                label={t('leads.convert.currency')}
                normalize={(value: string) => value.toUpperCase()}
                rules={[{ pattern: /^[A-Z]{3}$/, message: t('leads.convert.currencyInvalid') }]}
              >
                <Input data-testid="convert-deal-currency" maxLength={3} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name={['deal', 'expected_close_date']} label={t('leads.convert.expectedClose')}>
                <DatePicker data-testid="convert-deal-close" style={{ width: '100%' }} format="YYYY-MM-DD" />
              </Form.Item>
            </Col>
          </Row>
        )}
      </Form>
    </FormModal>
  );
}
