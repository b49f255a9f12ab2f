import { App, DatePicker, Form, Input, InputNumber, Radio, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { ActivityCreate, ActivityKind } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { useServerErrors } from '../../lib/useServerErrors';
import { useCustomerContacts } from '../customers/api';
import { useLogActivity } from './api';
import { ACTIVITY_KINDS, HAS_DURATION, HAS_LOCATION, KIND_ICONS } from './kinds';

interface ActivityFormValues {
  kind: ActivityKind;
  subject: string;
  occurred_at: Dayjs;
  contact_id?: string;
  duration_minutes?: number | null;
  location?: { address?: string; lat?: number | null; lng?: number | null };
  outcome?: string;
  body?: string;
}

const blank = (value: string | undefined) => (value && value.trim() ? value.trim() : undefined);

/** The request body for the values: only the details the chosen kind carries. */
export function toActivityCreate(customerId: string, values: ActivityFormValues): ActivityCreate {
  const body: ActivityCreate = {
    customer_id: customerId,
    kind: values.kind,
    subject: values.subject.trim(),
    occurred_at: values.occurred_at.toISOString(),
  };
  if (values.contact_id) body.contact_id = values.contact_id;
  if (blank(values.outcome)) body.outcome = blank(values.outcome);
  if (blank(values.body)) body.body = values.body;
  if (HAS_DURATION.has(values.kind) && values.duration_minutes != null) body.duration_minutes = values.duration_minutes;
  const location = values.location;
  if (HAS_LOCATION.has(values.kind) && location && (blank(location.address) || location.lat != null)) {
    body.location = { address: blank(location.address) ?? null, lat: location.lat ?? null, lng: location.lng ?? null };
  }
  return body;
}

/** "Log activity": kind-specific fields (duration for calls, visits and meetings; a location for visits and meetings). */
export function ActivityFormModal({ customerId, onClose }: { customerId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ActivityFormValues>();
  const kind = Form.useWatch('kind', form) ?? 'call';
  const { serverError, handleError, clear } = useServerErrors(form);
  const log = useLogActivity(customerId);
  const contacts = useCustomerContacts(customerId);

  const onSubmit = (values: ActivityFormValues) => {
    clear();
    log.mutate(toActivityCreate(customerId, values), {
      onSuccess: () => {
        void message.success(t('activities.logged'));
        onClose();
      },
      onError: handleError,
    });
  };

  return (
    <FormModal
      title={t('activities.logTitle')}
      form={form}
      submitting={log.isPending}
      onClose={onClose}
      serverError={serverError}
      submitTestId="activity-submit"
    >
      <Form<ActivityFormValues> form={form} layout="vertical" initialValues={{ kind: 'call', occurred_at: dayjs() }} onFinish={onSubmit}>
        <Form.Item name="kind" label={t('activities.fields.kind')}>
          <Radio.Group optionType="button" data-testid="activity-kind">
            {ACTIVITY_KINDS.map((value) => (
              <Radio.Button key={value} value={value} data-testid={`activity-kind-${value}`}>
                <Space size={4}>
                  {KIND_ICONS[value]}
                  {t(`activities.kind.${value}`)}
                </Space>
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item name="subject" label={t('activities.fields.subject')} rules={[{ required: true, whitespace: true, message: t('activities.subjectRequired') }]}>
          <Input data-testid="activity-subject" autoFocus />
        </Form.Item>
        <Form.Item name="occurred_at" label={t('activities.fields.occurredAt')} rules={[{ required: true, message: t('activities.whenRequired') }]}>
          <DatePicker showTime format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="contact_id" label={t('activities.fields.contact')}>
          <Select
            allowClear
            loading={contacts.isPending}
            options={(contacts.data?.items ?? []).map((contact) => ({ value: contact.id, label: contact.name }))}
          />
        </Form.Item>
        {HAS_DURATION.has(kind) && (
          <Form.Item name="duration_minutes" label={t('activities.fields.duration')}>
            <InputNumber min={0} max={10080} style={{ width: '100%' }} data-testid="activity-duration" />
          </Form.Item>
        )}
        {HAS_LOCATION.has(kind) && (
          <>
            <Form.Item name={['location', 'address']} label={t('activities.fields.address')}>
              <Input data-testid="activity-address" />
            </Form.Item>
            <Space.Compact block>
              <Form.Item name={['location', 'lat']} label={t('activities.fields.lat')} style={{ flex: 1 }}>
                <InputNumber min={-90} max={90} style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item name={['location', 'lng']} label={t('activities.fields.lng')} style={{ flex: 1 }}>
                <InputNumber min={-180} max={180} style={{ width: '100%' }} />
              </Form.Item>
            </Space.Compact>
          </>
        )}
        <Form.Item name="outcome" label={t('activities.fields.outcome')}>
          <Input data-testid="activity-outcome" />
        </Form.Item>
        <Form.Item name="body" label={t('activities.fields.body')}>
          <Input.TextArea rows={4} data-testid="activity-body" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
