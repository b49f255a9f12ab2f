import { App, Col, Form, Input, InputNumber, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { LeadCreate, LeadGrade, LeadRead, LeadUpdate } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { blanksToNull, withoutBlanks } from '../../lib/formValues';
import { useServerErrors } from '../../lib/useServerErrors';
import { useActiveCustomFields } from '../customfields/api';
import { CustomFieldInputs } from '../customfields/CustomFieldInputs';
import { customFieldsForCreate, customFieldsForUpdate, type CustomValues } from '../customfields/values';
import { useQueryClient } from '@tanstack/react-query';
import { LEAD_GRADES, leadKeys, useCreateLead, useUpdateLead } from './api';

interface LeadFormValues {
  person_name?: string;
  company_name?: string;
  title?: string;
  phone?: string;
  email?: string;
  source?: string;
  campaign?: string;
  province?: string;
  city?: string;
  product_line?: string;
  grade?: LeadGrade;
  score?: number | null;
  notes?: string;
  custom_fields?: CustomValues;
}

function toValues(lead: LeadRead | undefined): LeadFormValues {
  if (!lead) return {};
  const values: LeadFormValues = {};
  for (const key of ['person_name', 'company_name', 'title', 'phone', 'email', 'source', 'campaign', 'province', 'city', 'product_line', 'notes'] as const) {
    values[key] = lead[key] ?? undefined;
  }
  values.grade = (lead.grade as LeadGrade) ?? undefined;
  values.score = lead.score;
  values.custom_fields = { ...lead.custom_fields };
  return values;
}

/**
 * A new lead (left without owner: the assignment rules route it, or it waits in the pool), or
 * the edit of one (`lead`); server field errors land on the fields.
 */
export function LeadFormModal({ lead, onClose }: { lead?: LeadRead; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<LeadFormValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const customFieldDefs = useActiveCustomFields('lead');
  const create = useCreateLead();
  const update = useUpdateLead(lead?.id ?? '');
  const queryClient = useQueryClient();

  const reload = () => {
    void queryClient.invalidateQueries({ queryKey: leadKeys.all });
    onClose();
  };

  const onSubmit = ({ custom_fields: custom, ...values }: LeadFormValues) => {
    clear();
    if (lead) {
      const customFields = customFieldsForUpdate(customFieldDefs.fields, custom);
      update.mutate({ ...(blanksToNull(values) as LeadUpdate), ...(customFields ? { custom_fields: customFields } : {}), version: lead.version }, {
        onSuccess: () => {
          void message.success(t('common.saved'));
          onClose();
        },
        onError: handleError,
      });
      return;
    }
    const customFields = customFieldsForCreate(custom);
    create.mutate({ ...(withoutBlanks(values) as LeadCreate), ...(customFields ? { custom_fields: customFields } : {}) }, {
      onSuccess: (lead) => {
        void message.success(t('common.saved'));
        onClose();
        void navigate(`/leads/${lead.id}`);
      },
      onError: handleError,
    });
  };

  const text = (name: keyof LeadFormValues, testId?: string) => (
    <Form.Item name={name} label={t(`leads.fields.${name}`)}>
      <Input data-testid={testId} />
    </Form.Item>
  );

  return (
    <FormModal
      title={lead ? t('leads.editTitle') : t('leads.newTitle')}
      width={720}
      form={form}
      submitting={create.isPending || update.isPending}
      onClose={onClose}
      serverError={serverError}
      onReload={lead ? reload : undefined}
      submitTestId="lead-submit"
    >
      <Form<LeadFormValues>
        form={form}
        layout="vertical"
        initialValues={toValues(lead)}
        onFinish={onSubmit}
      >
        <Row gutter={12}>
          <Col span={12}>{text('person_name', 'lead-person-name')}</Col>
          <Col span={12}>{text('company_name', 'lead-company-name')}</Col>
          <Col span={12}>{text('title')}</Col>
          <Col span={12}>{text('phone')}</Col>
          <Col span={12}>{text('email', 'lead-email')}</Col>
          <Col span={12}>{text('source', 'lead-source')}</Col>
          <Col span={12}>{text('campaign')}</Col>
          <Col span={12}>{text('product_line')}</Col>
          <Col span={12}>{text('province')}</Col>
          <Col span={12}>{text('city')}</Col>
          <Col span={12}>
            <Form.Item name="grade" label={t('leads.fields.grade')}>
              <Select allowClear options={LEAD_GRADES.map((g) => ({ value: g, label: t(`leads.grade.${g}`) }))} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="score" label={t('leads.fields.score')}>
              <InputNumber min={0} max={100} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <CustomFieldInputs fields={customFieldDefs.fields} />
        </Row>
        <Form.Item name="notes" label={t('leads.fields.notes')}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
