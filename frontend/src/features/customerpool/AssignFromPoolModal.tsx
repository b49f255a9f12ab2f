import { useQuery } from '@tanstack/react-query';
import { App, Form, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import type { PoolCustomerRead } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { useServerErrors } from '../../lib/useServerErrors';
import { useAssignFromPool } from './api';

interface AssignValues {
  user_id: string;
}

/** Active users matching what is typed in the picker (the server searches; users:read). */
function useUserSearch(q: string) {
  return useQuery({
    queryKey: ['admin', 'users', 'pool-assign-picker', q],
    queryFn: () => unwrap(api.GET('/api/v1/users', { params: { query: { limit: 20, ...(q ? { q } : {}) } } })),
  });
}

/** A manager (customers:assign) gives a pool customer to a user, within that user's cap. */
export function AssignFromPoolModal({ customer, onClose }: { customer: PoolCustomerRead; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<AssignValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const [q, setQ] = useState('');
  const users = useUserSearch(q.trim());
  const assign = useAssignFromPool(customer.id);

  const onSubmit = (values: AssignValues) => {
    clear();
    assign.mutate(values.user_id, {
      onSuccess: () => {
        void message.success(t('customerPool.assign.done', { name: customer.name }));
        onClose();
      },
      onError: handleError,
    });
  };

  return (
    <FormModal
      title={t('customerPool.assign.title', { name: customer.name })}
      okText={t('customerPool.assign.submit')}
      form={form}
      submitting={assign.isPending}
      onClose={onClose}
      serverError={serverError}
      submitTestId="pool-assign-submit"
      intro={<Typography.Paragraph type="secondary">{t('customerPool.assign.intro')}</Typography.Paragraph>}
    >
      <Form<AssignValues> form={form} layout="vertical" onFinish={onSubmit}>
        <Form.Item name="user_id" label={t('customerPool.assign.user')} rules={[{ required: true, message: t('customerPool.assign.userRequired') }]}>
          <Select
            showSearch={{ filterOption: false, onSearch: setQ }}
            data-testid="pool-assign-user"
            loading={users.isFetching}
            notFoundContent={users.isError ? t('customerPool.assign.usersFailed') : undefined}
            options={(users.data?.items ?? []).filter((u) => u.is_active).map((u) => ({ value: u.id, label: `${u.full_name} (${u.email})` }))}
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
