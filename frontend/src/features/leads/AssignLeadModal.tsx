import { App, Form, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { LeadRead } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { useServerErrors } from '../../lib/useServerErrors';
import { useAllUsers } from '../admin/api';
import { useAssignLead } from './api';

interface AssignValues {
  user_id: string;
  reason?: string;
}

/** A manager (leads:assign) gives the lead to a user. */
export function AssignLeadModal({ lead, onClose }: { lead: LeadRead; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<AssignValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const users = useAllUsers();
  const assign = useAssignLead(lead.id);

  const onSubmit = (values: AssignValues) => {
    clear();
    const reason = values.reason?.trim();
    assign.mutate(
      { user_id: values.user_id, ...(reason ? { reason } : {}) },
      {
        onSuccess: () => {
          void message.success(t('leads.assign.done'));
          onClose();
        },
        onError: handleError,
      },
    );
  };

  return (
    <FormModal
      title={t('leads.assign.title')}
      okText={t('leads.assign.submit')}
      form={form}
      submitting={assign.isPending}
      onClose={onClose}
      serverError={serverError}
      submitTestId="assign-submit"
    >
      <Form<AssignValues> form={form} layout="vertical" onFinish={onSubmit}>
        <Form.Item name="user_id" label={t('leads.assign.user')} rules={[{ required: true, message: t('leads.assign.userRequired') }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            data-testid="assign-user"
            loading={users.isPending}
            options={(users.data ?? []).filter((u) => u.is_active).map((u) => ({ value: u.id, label: u.full_name }))}
          />
        </Form.Item>
        <Form.Item name="reason" label={t('leads.assign.reason')}>
          <Input data-testid="assign-reason" maxLength={500} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
