import { RollbackOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerRead } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { useServerErrors } from '../../lib/useServerErrors';
import { useAuth } from '../auth/AuthContext';
import { useReleaseToPool } from './api';

interface ReleaseValues {
  reason?: string;
}

/**
 * On the customer page: the owner or their manager (customers:write, the customer in their data
 * scope; the server decides) puts an owned customer back into its department's pool, with an
 * optional reason that its timeline shows. A customer without owner shows that it is in the pool.
 */
export function ReleaseToPoolButton({ customer }: { customer: CustomerRead }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<ReleaseValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const release = useReleaseToPool(customer.id);

  if (!customer.owner_id) {
    return (
      <Tag color="orange" data-testid="customer-in-pool">
        {t('customerPool.release.inPool')}
      </Tag>
    );
  }
  if (!can('customers:write')) return null;

  const close = () => {
    setOpen(false);
    clear();
  };

  const onSubmit = (values: ReleaseValues) => {
    clear();
    release.mutate(values.reason?.trim() || null, {
      onSuccess: () => {
        void message.success(t('customerPool.release.done', { name: customer.name }));
        close();
      },
      onError: handleError,
    });
  };

  return (
    <>
      <Button icon={<RollbackOutlined />} onClick={() => setOpen(true)} data-testid="customer-release">
        {t('customerPool.release.button')}
      </Button>
      <FormModal
        open={open}
        title={t('customerPool.release.title', { name: customer.name })}
        okText={t('customerPool.release.submit')}
        form={form}
        submitting={release.isPending}
        onClose={close}
        serverError={serverError}
        submitTestId="customer-release-confirm"
        okButtonProps={{ danger: true }}
        intro={<Alert type="warning" showIcon title={t('customerPool.release.warning')} style={{ marginBottom: 16 }} />}
      >
        <Form<ReleaseValues> form={form} layout="vertical" onFinish={onSubmit}>
          <Form.Item name="reason" label={t('customerPool.release.reason')} extra={<Typography.Text type="secondary">{t('customerPool.release.reasonHelp')}</Typography.Text>}>
            <Input.TextArea rows={3} maxLength={500} data-testid="customer-release-reason" />
          </Form.Item>
        </Form>
      </FormModal>
    </>
  );
}
