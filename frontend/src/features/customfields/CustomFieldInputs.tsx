import { Col, DatePicker, Form, Input, InputNumber, Select, Switch } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { CustomFieldRead } from '../../api/types';
import { useAllUsers } from '../admin/api';
import { fieldLabel, optionLabel } from './api';

function UserSelect(props: { value?: string; onChange?: (value: string | undefined) => void; id?: string }) {
  const users = useAllUsers();
  return (
    <Select
      {...props}
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      loading={users.isPending}
      options={(users.data ?? []).filter((user) => user.is_active).map((user) => ({ value: user.id, label: user.full_name || user.email }))}
    />
  );
}

function input(field: CustomFieldRead, language: string) {
  const options = field.options.map((option) => ({ value: option.value, label: optionLabel(field, option.value, language) }));
  switch (field.field_type) {
    case 'number':
      return <InputNumber precision={0} style={{ width: '100%' }} />;
    case 'decimal':
      return <Input inputMode="decimal" />;
    case 'date':
      return <DatePicker style={{ width: '100%' }} />;
    case 'boolean':
      return <Switch />;
    case 'select':
      return <Select allowClear options={options} />;
    case 'multi_select':
      return <Select mode="multiple" allowClear options={options} />;
    case 'user':
      return <UserSelect />;
    default:
      return field.validation.max_length && field.validation.max_length > 200 ? <Input.TextArea rows={2} /> : <Input />;
  }
}

// Dates travel as "YYYY-MM-DD" strings; the picker works on dayjs objects.
const dateProps = {
  getValueProps: (value: unknown) => ({ value: typeof value === 'string' && value ? dayjs(value) : undefined }),
  normalize: (value: Dayjs | null) => (value ? value.format('YYYY-MM-DD') : undefined),
};

/**
 * Form items for the given (active) custom fields, named ["custom_fields", key] so the server's
 * errors at ["body", "custom_fields", key] land on them.
 */
export function CustomFieldInputs({ fields }: { fields: CustomFieldRead[] }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      {fields.map((field) => (
        <Col xs={24} md={field.field_type === 'multi_select' || field.field_type === 'text' ? 12 : 8} key={field.key}>
          <Form.Item
            name={['custom_fields', field.key]}
            label={fieldLabel(field, i18n.language)}
            tooltip={field.description || undefined}
            rules={field.required ? [{ required: true, message: t('customFields.required') }] : undefined}
            valuePropName={field.field_type === 'boolean' ? 'checked' : 'value'}
            data-testid={`cf-${field.key}`}
            {...(field.field_type === 'date' ? dateProps : {})}
          >
            {input(field, i18n.language)}
          </Form.Item>
        </Col>
      ))}
    </>
  );
}
