import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Col, Form, Input, InputNumber, Row, Select, Space, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CustomFieldCreate, CustomFieldRead } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { useServerErrors } from '../../lib/useServerErrors';
import { FIELD_TYPES, useSaveCustomField, type FieldType, type ObjectType } from './api';

interface OptionValues {
  value: string;
  label?: { en?: string; zh?: string };
}

export interface CustomFieldFormValues {
  key: string;
  label: { en?: string; zh?: string };
  field_type: FieldType;
  options: OptionValues[];
  required: boolean;
  active: boolean;
  description?: string;
  validation: { min?: string | number; max?: string | number; max_length?: number; regex?: string; decimal_places?: number };
}

const SELECTS: FieldType[] = ['select', 'multi_select'];
const RANGED: FieldType[] = ['number', 'decimal', 'date'];

function toValues(field: CustomFieldRead | undefined): CustomFieldFormValues {
  if (!field) return { key: '', label: {}, field_type: 'text', options: [], required: false, active: true, validation: {} };
  return {
    key: field.key,
    label: { en: field.label.en ?? undefined, zh: field.label.zh ?? undefined },
    field_type: field.field_type,
    options: field.options.map((option) => ({
      value: option.value,
      label: { en: option.label?.en ?? undefined, zh: option.label?.zh ?? undefined },
    })),
    required: field.required,
    active: field.active,
    description: field.description ?? undefined,
    validation: {
      min: field.validation.min ?? undefined,
      max: field.validation.max ?? undefined,
      max_length: field.validation.max_length ?? undefined,
      regex: field.validation.regex ?? undefined,
      decimal_places: field.validation.decimal_places ?? undefined,
    },
  };
}

function blank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function trimmedOrNull(value: string | undefined): string | null {
  return value && value.trim() ? value.trim() : null;
}

/** The request body for the values, with only the settings that apply to the field's type. */
export function definitionBody(values: CustomFieldFormValues) {
  const type = values.field_type;
  const v = values.validation ?? {};
  const validation: Record<string, unknown> = {};
  if (RANGED.includes(type)) {
    for (const bound of ['min', 'max'] as const) {
      if (!blank(v[bound])) validation[bound] = type === 'number' ? Number(v[bound]) : String(v[bound]).trim();
    }
  }
  if (type === 'text') {
    if (!blank(v.max_length)) validation.max_length = v.max_length;
    if (!blank(v.regex)) validation.regex = v.regex;
  }
  if (type === 'decimal' && !blank(v.decimal_places)) validation.decimal_places = v.decimal_places;
  const options = SELECTS.includes(type)
    ? (values.options ?? []).map((option) => {
        const label = { en: trimmedOrNull(option.label?.en), zh: trimmedOrNull(option.label?.zh) };
        return { value: option.value.trim(), ...(label.en || label.zh ? { label } : {}) };
      })
    : [];
  return {
    label: { en: trimmedOrNull(values.label?.en), zh: trimmedOrNull(values.label?.zh) },
    options,
    required: values.required,
    active: values.active,
    description: trimmedOrNull(values.description),
    validation,
  };
}

export function CustomFieldFormModal({ objectType, field, onClose }: { objectType: ObjectType; field?: CustomFieldRead; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<CustomFieldFormValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const save = useSaveCustomField();
  const type = Form.useWatch('field_type', form) ?? field?.field_type ?? 'text';

  const onSubmit = (values: CustomFieldFormValues) => {
    clear();
    const body = definitionBody(values);
    const onSuccess = () => {
      void message.success(t('common.saved'));
      onClose();
    };
    if (field) save.mutate({ id: field.id, body: { ...body, version: field.version } }, { onSuccess, onError: handleError });
    else
      save.mutate(
        { body: { ...body, object_type: objectType, key: values.key.trim(), field_type: values.field_type } as CustomFieldCreate },
        { onSuccess, onError: handleError },
      );
  };

  return (
    <FormModal
      title={field ? t('customFields.editTitle') : t('customFields.newTitle')}
      width={640}
      form={form}
      submitting={save.isPending}
      onClose={onClose}
      serverError={serverError}
      onReload={onClose}
      submitTestId="custom-field-save"
    >
      <Form<CustomFieldFormValues> form={form} layout="vertical" initialValues={toValues(field)} onFinish={onSubmit} data-testid="custom-field-form">
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item
              name="key"
              label={t('customFields.fields.key')}
              extra={field ? t('customFields.keyImmutable') : t('customFields.keyHint')}
              rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,49}$/, message: t('customFields.keyInvalid') }]}
            >
              <Input disabled={!!field} data-testid="custom-field-key" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="field_type" label={t('customFields.fields.type')} extra={field ? t('customFields.typeImmutable') : undefined}>
              <Select
                disabled={!!field}
                data-testid="custom-field-type"
                options={FIELD_TYPES.map((value) => ({ value, label: t(`customFields.types.${value}`) }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name={['label', 'zh']} label={t('customFields.fields.labelZh')}>
              <Input data-testid="custom-field-label-zh" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name={['label', 'en']} label={t('customFields.fields.labelEn')}>
              <Input data-testid="custom-field-label-en" />
            </Form.Item>
          </Col>
        </Row>
        {SELECTS.includes(type) && (
          <Form.Item label={t('customFields.fields.options')} required>
            <Form.List name="options">
              {(items, { add, remove }) => (
                <>
                  {items.map((item) => (
                    <Space key={item.key} align="baseline" style={{ display: 'flex' }}>
                      <Form.Item name={[item.name, 'value']} rules={[{ required: true, whitespace: true, message: t('customFields.optionRequired') }]}>
                        <Input placeholder={t('customFields.optionValue')} data-testid={`option-value-${item.name}`} />
                      </Form.Item>
                      <Form.Item name={[item.name, 'label', 'zh']}>
                        <Input placeholder={t('customFields.fields.labelZh')} />
                      </Form.Item>
                      <Form.Item name={[item.name, 'label', 'en']}>
                        <Input placeholder={t('customFields.fields.labelEn')} />
                      </Form.Item>
                      <Button icon={<DeleteOutlined />} onClick={() => remove(item.name)} aria-label={t('common.delete')} />
                    </Space>
                  ))}
                  <Button icon={<PlusOutlined />} onClick={() => add({ value: '' })} data-testid="add-option">
                    {t('customFields.addOption')}
                  </Button>
                </>
              )}
            </Form.List>
          </Form.Item>
        )}
        <Row gutter={12}>
          {RANGED.includes(type) && (
            <>
              <Col span={8}>
                <Form.Item name={['validation', 'min']} label={t('customFields.fields.min')}>
                  {type === 'number' ? <InputNumber precision={0} style={{ width: '100%' }} /> : <Input placeholder={type === 'date' ? 'YYYY-MM-DD' : ''} />}
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name={['validation', 'max']} label={t('customFields.fields.max')}>
                  {type === 'number' ? <InputNumber precision={0} style={{ width: '100%' }} /> : <Input placeholder={type === 'date' ? 'YYYY-MM-DD' : ''} />}
                </Form.Item>
              </Col>
            </>
          )}
          {type === 'decimal' && (
            <Col span={8}>
              <Form.Item name={['validation', 'decimal_places']} label={t('customFields.fields.decimalPlaces')}>
                <InputNumber min={0} max={10} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          )}
          {type === 'text' && (
            <>
              <Col span={8}>
                <Form.Item name={['validation', 'max_length']} label={t('customFields.fields.maxLength')}>
                  <InputNumber min={1} max={10000} precision={0} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col span={16}>
                <Form.Item name={['validation', 'regex']} label={t('customFields.fields.regex')}>
                  <Input placeholder="^[A-Z]{2}\d+$" />
                </Form.Item>
              </Col>
            </>
          )}
        </Row>
        <Form.Item name="description" label={t('customFields.fields.description')}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Space size="large">
          <Form.Item name="required" label={t('customFields.fields.required')} valuePropName="checked">
            <Switch data-testid="custom-field-required" />
          </Form.Item>
          <Form.Item name="active" label={t('customFields.fields.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
      </Form>
    </FormModal>
  );
}
