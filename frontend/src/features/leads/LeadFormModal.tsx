import { App, Col, Form, Input, InputNumber, Modal, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { LeadCreate } from '../../api/types';
import { FormProblem } from '../../components/FormProblem';
import { withoutBlanks } from '../../lib/formValues';
import { useServerErrors } from '../../lib/useServerErrors';
import { LEAD_GRADES, useCreateLead } from './api';

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
  grade?: LeadCreate['grade'];
  score?: number | null;
  notes?: string;
}

/** A new lead (left without owner: the assignment rules route it, or it waits in the pool). */
export function LeadFormModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<LeadFormValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const create = useCreateLead();

  const onSubmit = (values: LeadFormValues) => {
    clear();
    create.mutate(withoutBlanks(values) as LeadCreate, {
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
    <Modal
      open
      width={720}
      title={t('leads.newTitle')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'lead-submit' } as Record<string, string>}
    >
      <FormProblem error={serverError} />
      <Form<LeadFormValues>
        form={form}
        layout="vertical"
        onFinish={onSubmit}
        onFinishFailed={() => undefined}
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
        <Form.Item name="notes" label={t('leads.fields.notes')}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
