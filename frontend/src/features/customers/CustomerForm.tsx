import { AutoComplete, Button, Col, Form, Input, Radio, Row, Select, Space, type FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CustomerRead } from '../../api/types';
import { usePolicyLevels } from '../customerpool/api';
import { useActiveCustomFields } from '../customfields/api';
import { CustomFieldInputs } from '../customfields/CustomFieldInputs';
import type { CustomValues } from '../customfields/values';

export interface CustomerFormValues {
  kind: CustomerRead['kind'];
  name: string;
  phone?: string;
  email?: string;
  province?: string;
  city?: string;
  district?: string;
  address?: string;
  industry?: string;
  source?: string;
  level?: string;
  tags: string[];
  notes?: string;
  custom_fields?: CustomValues;
}

export function customerToFormValues(customer: CustomerRead): CustomerFormValues {
  return {
    kind: customer.kind,
    name: customer.name,
    phone: customer.phone ?? undefined,
    email: customer.email ?? undefined,
    province: customer.province ?? undefined,
    city: customer.city ?? undefined,
    district: customer.district ?? undefined,
    address: customer.address ?? undefined,
    industry: customer.industry ?? undefined,
    source: customer.source ?? undefined,
    level: customer.level ?? undefined,
    tags: customer.tags,
    notes: customer.notes ?? undefined,
    custom_fields: { ...customer.custom_fields },
  };
}

interface CustomerFormProps {
  form: FormInstance<CustomerFormValues>;
  initialValues?: CustomerFormValues;
  submitting: boolean;
  onSubmit: (values: CustomerFormValues) => void;
  onCancel: () => void;
}

export function CustomerForm({ form, initialValues, submitting, onSubmit, onCancel }: CustomerFormProps) {
  const { t } = useTranslation();
  const { fields: customFields } = useActiveCustomFields('customer');
  const levels = usePolicyLevels();
  const text = (name: keyof CustomerFormValues, span = 12) => (
    <Col xs={24} md={span}>
      <Form.Item name={name} label={t(`customers.fields.${name}`)}>
        <Input data-testid={`customer-${name}`} />
      </Form.Item>
    </Col>
  );
  return (
    <Form<CustomerFormValues>
      form={form}
      layout="vertical"
      initialValues={initialValues ?? { kind: 'company', tags: [] }}
      onFinish={onSubmit}
      data-testid="customer-form"
    >
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="name" label={t('customers.fields.name')} rules={[{ required: true, whitespace: true, message: t('customers.nameRequired') }]}>
            <Input data-testid="customer-name" autoFocus />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="kind" label={t('customers.fields.kind')}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'company', label: t('customers.kind.company') },
                { value: 'person', label: t('customers.kind.person') },
              ]}
            />
          </Form.Item>
        </Col>
        {text('phone')}
        {text('email')}
        {text('province', 8)}
        {text('city', 8)}
        {text('district', 8)}
        {text('address', 24)}
        {text('industry')}
        {text('source')}
        <Col xs={24} md={12}>
          {/* The level picks the customer pool policy; the levels that have one are suggested. */}
          <Form.Item name="level" label={t('customerPool.fields.level')}>
            <AutoComplete options={levels.map((value) => ({ value }))} maxLength={20}>
              <Input data-testid="customer-level" />
            </AutoComplete>
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="tags" label={t('customers.fields.tags')}>
            <Select mode="tags" tokenSeparators={[',', '，']} open={false} suffixIcon={null} />
          </Form.Item>
        </Col>
        <CustomFieldInputs fields={customFields} />
        <Col span={24}>
          <Form.Item name="notes" label={t('customers.fields.notes')}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Col>
      </Row>
      <Space>
        <Button type="primary" htmlType="submit" loading={submitting} data-testid="customer-submit">
          {t('common.save')}
        </Button>
        <Button onClick={onCancel}>{t('common.cancel')}</Button>
      </Space>
    </Form>
  );
}
