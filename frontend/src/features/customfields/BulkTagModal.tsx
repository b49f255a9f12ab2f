import { Alert, App, Form, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { BulkTagRequest } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { useServerErrors } from '../../lib/useServerErrors';
import { useBulkTag, useTags } from './api';

interface BulkTagValues {
  add: string[];
  remove: string[];
}

interface BulkTagModalProps {
  /** The list's current filters: the change applies to every customer they match. */
  filter: BulkTagRequest['filter'];
  /** Selected rows, if any: then only those (still within the filter). */
  ids: string[];
  onClose: () => void;
}

/** Add and remove tags on the filtered (or selected) customers, in one request. */
export function BulkTagModal({ filter, ids, onClose }: BulkTagModalProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<BulkTagValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const bulk = useBulkTag();
  const tags = useTags('customer');
  const options = (tags.data ?? []).map((tag) => ({ value: tag.name, label: tag.name }));

  const onSubmit = (values: BulkTagValues) => {
    clear();
    bulk.mutate(
      { filter, ...(ids.length > 0 ? { ids } : {}), add: values.add ?? [], remove: values.remove ?? [] },
      {
        onSuccess: (result) => {
          void message.success(t('tags.bulkDone', { count: result.affected }));
          onClose();
        },
        onError: handleError,
      },
    );
  };

  return (
    <FormModal
      title={t('tags.bulkTitle')}
      okText={t('tags.apply')}
      form={form}
      submitting={bulk.isPending}
      onClose={onClose}
      serverError={serverError}
      submitTestId="bulk-tag-apply"
      intro={
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={ids.length > 0 ? t('tags.bulkSelected', { count: ids.length }) : t('tags.bulkFiltered')}
        />
      }
    >
      <Form<BulkTagValues> form={form} layout="vertical" initialValues={{ add: [], remove: [] }} onFinish={onSubmit}>
        <Form.Item
          name="add"
          label={t('tags.add')}
          dependencies={['remove']}
          rules={[
            ({ getFieldValue }) => ({
              validator: (_rule, value: string[] | undefined) =>
                (value?.length ?? 0) + ((getFieldValue('remove') as string[] | undefined)?.length ?? 0) > 0
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('tags.bulkNothing'))),
            }),
          ]}
        >
          <Select mode="tags" options={options} tokenSeparators={[',', '，']} data-testid="bulk-tag-add" />
        </Form.Item>
        <Form.Item name="remove" label={t('tags.remove')}>
          <Select mode="multiple" options={options} data-testid="bulk-tag-remove" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
