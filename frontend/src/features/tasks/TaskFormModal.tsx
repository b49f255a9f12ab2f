import { App, DatePicker, Form, Input, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { TaskCreate } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { useServerErrors } from '../../lib/useServerErrors';
import { useCreateTask, type TaskPriority } from './api';

export const PRIORITIES: TaskPriority[] = ['low', 'normal', 'high', 'urgent'];
export const REPEATS = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;

interface TaskFormValues {
  title: string;
  description?: string;
  due_at?: Dayjs | null;
  priority: TaskPriority;
  repeat?: (typeof REPEATS)[number] | '';
}

/** The request body: a repeat choice becomes an RRULE counted from the due time. */
export function toTaskCreate(values: TaskFormValues, customerId?: string): TaskCreate {
  const body: TaskCreate = { title: values.title.trim(), priority: values.priority };
  if (values.description?.trim()) body.description = values.description;
  if (values.due_at) body.due_at = values.due_at.toISOString();
  if (values.repeat) body.recurrence = `FREQ=${values.repeat}`;
  if (customerId) {
    body.related_type = 'customer';
    body.related_id = customerId;
  }
  return body;
}

/** A new task, about a customer when `customerId` is given; assigned to the caller. */
export function TaskFormModal({ customerId, onClose }: { customerId?: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<TaskFormValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const create = useCreateTask();
  const onSubmit = (values: TaskFormValues) => {
    clear();
    create.mutate(toTaskCreate(values, customerId), {
      onSuccess: () => {
        void message.success(t('common.saved'));
        onClose();
      },
      onError: handleError,
    });
  };
  return (
    <FormModal
      title={t('tasks.newTitle')}
      form={form}
      submitting={create.isPending}
      onClose={onClose}
      serverError={serverError}
      submitTestId="task-submit"
    >
      <Form<TaskFormValues> form={form} layout="vertical" initialValues={{ priority: 'normal', repeat: '' }} onFinish={onSubmit}>
        <Form.Item name="title" label={t('tasks.fields.title')} rules={[{ required: true, whitespace: true, message: t('tasks.titleRequired') }]}>
          <Input data-testid="task-title" autoFocus />
        </Form.Item>
        <Form.Item name="due_at" label={t('tasks.fields.dueAt')}>
          <DatePicker showTime format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="priority" label={t('tasks.fields.priority')}>
          <Select options={PRIORITIES.map((value) => ({ value, label: t(`tasks.priority.${value}`) }))} />
        </Form.Item>
        <Form.Item name="repeat" label={t('tasks.fields.recurrence')} dependencies={['due_at']}>
          <Select
            options={[
              { value: '', label: t('tasks.repeat.none') },
              ...REPEATS.map((value) => ({ value, label: t(`tasks.repeat.${value}`) })),
            ]}
          />
        </Form.Item>
        <Form.Item name="description" label={t('tasks.fields.description')}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
