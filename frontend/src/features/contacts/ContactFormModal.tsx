import { useQueryClient } from '@tanstack/react-query';
import { App, Checkbox, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ContactRead } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { blanksToNull, withoutBlanks } from '../../lib/formValues';
import { useServerErrors } from '../../lib/useServerErrors';
import { useCreateContact, useUpdateContact } from './api';

interface ContactFormValues {
  name: string;
  title?: string;
  phone?: string;
  email?: string;
  is_primary: boolean;
  notes?: string;
}

interface ContactFormModalProps {
  customerId: string;
  /** The contact to edit; absent to create one. */
  contact?: ContactRead;
  onClose: () => void;
}

function toValues(contact: ContactRead | undefined): ContactFormValues {
  if (!contact) return { name: '', is_primary: false };
  return {
    name: contact.name,
    title: contact.title ?? undefined,
    phone: contact.phone ?? undefined,
    email: contact.email ?? undefined,
    is_primary: contact.is_primary,
    notes: contact.notes ?? undefined,
  };
}

/** Create or edit one contact of a customer; server field errors land on the fields. */
export function ContactFormModal({ customerId, contact, onClose }: ContactFormModalProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ContactFormValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const create = useCreateContact();
  const update = useUpdateContact();
  const queryClient = useQueryClient();

  // On 412: close, and let the lists fetch the current record so the user can edit again.
  const reload = () => {
    void queryClient.invalidateQueries({ queryKey: ['contacts'] });
    void queryClient.invalidateQueries({ queryKey: ['customers', 'detail', customerId, 'contacts'] });
    onClose();
  };

  const onSuccess = () => {
    void message.success(t('common.saved'));
    onClose();
  };

  const onSubmit = (values: ContactFormValues) => {
    clear();
    if (contact) {
      const { name, is_primary, ...rest } = values;
      update.mutate(
        { id: contact.id, body: { ...blanksToNull(rest), name: name.trim(), is_primary, version: contact.version } },
        { onSuccess, onError: handleError },
      );
    } else {
      create.mutate(
        { ...withoutBlanks(values), name: values.name.trim(), is_primary: values.is_primary ?? false, customer_id: customerId },
        { onSuccess, onError: handleError },
      );
    }
  };

  return (
    <FormModal
      title={contact ? t('contacts.editTitle') : t('contacts.newTitle')}
      form={form}
      submitting={create.isPending || update.isPending}
      onClose={onClose}
      serverError={serverError}
      onReload={contact ? reload : undefined}
      submitTestId="contact-submit"
    >
      <Form<ContactFormValues> form={form} layout="vertical" initialValues={toValues(contact)} onFinish={onSubmit}>
        <Form.Item name="name" label={t('contacts.fields.name')} rules={[{ required: true, whitespace: true, message: t('contacts.nameRequired') }]}>
          <Input data-testid="contact-name" autoFocus />
        </Form.Item>
        <Form.Item name="title" label={t('contacts.fields.title')}>
          <Input />
        </Form.Item>
        <Form.Item name="phone" label={t('contacts.fields.phone')}>
          <Input />
        </Form.Item>
        <Form.Item name="email" label={t('contacts.fields.email')}>
          <Input data-testid="contact-email" />
        </Form.Item>
        <Form.Item name="is_primary" valuePropName="checked">
          <Checkbox>{t('contacts.fields.isPrimary')}</Checkbox>
        </Form.Item>
        <Form.Item name="notes" label={t('contacts.fields.notes')}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
