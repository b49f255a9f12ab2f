import { App, Form, Input, InputNumber, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PoolPolicyRead } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { useServerErrors } from '../../lib/useServerErrors';
import { useSavePolicy } from './api';

interface PolicyValues {
  level?: string;
  days_without_follow_up?: number | null;
  days_without_deal?: number | null;
  warn_days_before?: number | null;
  enabled: boolean;
}

function toValues(policy: PoolPolicyRead | undefined): PolicyValues {
  if (!policy) return { enabled: true, warn_days_before: 0 };
  return {
    level: policy.level ?? undefined,
    days_without_follow_up: policy.days_without_follow_up,
    days_without_deal: policy.days_without_deal,
    warn_days_before: policy.warn_days_before,
    enabled: policy.enabled,
  };
}

/** Create (level chosen once; blank: the default policy) or edit the rules of one level's policy. */
export function PolicyFormModal({ policy, onClose }: { policy?: PoolPolicyRead; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PolicyValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const save = useSavePolicy();

  const onSubmit = (values: PolicyValues) => {
    clear();
    const rules = {
      days_without_follow_up: values.days_without_follow_up ?? null,
      days_without_deal: values.days_without_deal ?? null,
      warn_days_before: values.warn_days_before ?? 0,
      enabled: values.enabled,
    };
    const input = policy
      ? { kind: 'update' as const, id: policy.id, body: { ...rules, version: policy.version } }
      : { kind: 'create' as const, body: { level: values.level?.trim() || null, ...rules } };
    save.mutate(input, {
      onSuccess: () => {
        void message.success(t('common.saved'));
        onClose();
      },
      onError: handleError,
    });
  };

  const days = (name: 'days_without_follow_up' | 'days_without_deal') => (
    <Form.Item name={name} label={t(`customerPool.policies.fields.${name}`)} extra={t(`customerPool.policies.help.${name}`)}>
      <InputNumber min={1} max={3650} precision={0} style={{ width: 160 }} data-testid={`pool-policy-${name}`} />
    </Form.Item>
  );

  return (
    <FormModal
      title={policy ? t('customerPool.policies.editTitle') : t('customerPool.policies.newTitle')}
      form={form}
      submitting={save.isPending}
      onClose={onClose}
      serverError={serverError}
      submitTestId="pool-policy-submit"
    >
      <Form<PolicyValues> form={form} layout="vertical" initialValues={toValues(policy)} onFinish={onSubmit}>
        {policy ? (
          <Form.Item label={t('customerPool.policies.fields.level')}>
            <Typography.Text strong>{policy.level ?? t('customerPool.policies.defaultLevel')}</Typography.Text>
          </Form.Item>
        ) : (
          <Form.Item name="level" label={t('customerPool.policies.fields.level')} extra={t('customerPool.policies.help.level')}>
            <Input maxLength={20} style={{ width: 200 }} data-testid="pool-policy-level" />
          </Form.Item>
        )}
        {days('days_without_follow_up')}
        {days('days_without_deal')}
        <Form.Item name="warn_days_before" label={t('customerPool.policies.fields.warn_days_before')} extra={t('customerPool.policies.help.warn_days_before')}>
          <InputNumber min={0} max={365} precision={0} style={{ width: 160 }} data-testid="pool-policy-warn_days_before" />
        </Form.Item>
        <Form.Item name="enabled" label={t('customerPool.policies.fields.enabled')} valuePropName="checked">
          <Switch data-testid="pool-policy-enabled" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
