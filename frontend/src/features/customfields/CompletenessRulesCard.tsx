import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Form, InputNumber, Select, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomFieldRead } from '../../api/types';
import { FormProblem } from '../../components/FormProblem';
import { useServerErrors } from '../../lib/useServerErrors';
import { FIELD_LABELS, useCompletenessRules, useSaveCompletenessRules, type ObjectType } from './api';
import { useRuleFieldLabel } from './Completeness';

interface RulesValues {
  rules: { field: string; weight: number }[];
}

/** The important fields of an object type and their weights (the completeness score). */
export function CompletenessRulesCard({ objectType, fields }: { objectType: ObjectType; fields: CustomFieldRead[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const rules = useCompletenessRules(objectType);
  const save = useSaveCompletenessRules(objectType);
  const [form] = Form.useForm<RulesValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const label = useRuleFieldLabel(fields, FIELD_LABELS[objectType]);

  useEffect(() => {
    if (rules.data) form.setFieldsValue({ rules: rules.data.rules.map((rule) => ({ field: rule.field, weight: rule.weight ?? 1 })) });
  }, [rules.data, form]);

  const choices = [
    ...(rules.data?.standard_fields ?? []).map((name) => ({ value: name, label: label(name) })),
    ...fields.filter((field) => field.active).map((field) => ({ value: `cf.${field.key}`, label: label(`cf.${field.key}`) })),
  ];

  const onSubmit = (values: RulesValues) => {
    clear();
    save.mutate(values.rules ?? [], { onSuccess: () => void message.success(t('common.saved')), onError: handleError });
  };

  return (
    <Card size="small" title={t('completeness.rulesTitle')} style={{ marginTop: 16 }} data-testid="completeness-rules">
      <Typography.Paragraph type="secondary">
        {rules.data?.is_default ? t('completeness.defaultsHint') : t('completeness.rulesHint')}
      </Typography.Paragraph>
      <FormProblem error={serverError} />
      <Form<RulesValues> form={form} onFinish={onSubmit}>
        <Form.List name="rules">
          {(items, { add, remove }) => (
            <>
              {items.map((item) => (
                <Space key={item.key} align="baseline" style={{ display: 'flex' }}>
                  <Form.Item name={[item.name, 'field']} rules={[{ required: true, message: t('completeness.fieldRequired') }]}>
                    <Select style={{ width: 240 }} options={choices} showSearch={{ optionFilterProp: 'label' }} />
                  </Form.Item>
                  <Form.Item name={[item.name, 'weight']} label={t('completeness.weight')}>
                    <InputNumber min={1} max={100} precision={0} />
                  </Form.Item>
                  <Button icon={<DeleteOutlined />} onClick={() => remove(item.name)} aria-label={t('common.delete')} />
                </Space>
              ))}
              <Space>
                <Button icon={<PlusOutlined />} onClick={() => add({ weight: 1 })}>
                  {t('completeness.addRule')}
                </Button>
                <Button type="primary" htmlType="submit" loading={save.isPending}>
                  {t('common.save')}
                </Button>
              </Space>
            </>
          )}
        </Form.List>
      </Form>
    </Card>
  );
}
