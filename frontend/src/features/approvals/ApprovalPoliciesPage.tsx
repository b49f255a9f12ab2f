import { App, Button, Card, Form, Input, InputNumber, Select, Skeleton, Space, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ApprovalPolicyRead } from '../../api/types';
import { FormProblem } from '../../components/FormProblem';
import { QueryError } from '../../components/QueryError';
import { useServerErrors } from '../../lib/useServerErrors';
import { useRoles } from '../admin/api';
import { useAuth } from '../auth/AuthContext';
import { usePolicies, useUpdatePolicy } from './api';

interface ParamSchema {
  type?: string;
  anyOf?: { type?: string }[];
  title?: string;
  description?: string;
  default?: unknown;
}

type ParamKind = 'number' | 'boolean' | 'text';

function kindOf(schema: ParamSchema): ParamKind {
  const types = [schema.type, ...(schema.anyOf ?? []).map((s) => s.type)];
  if (types.includes('number') || types.includes('integer')) return 'number';
  if (types.includes('boolean')) return 'boolean';
  return 'text';
}

function paramsOf(policy: ApprovalPolicyRead): [string, ParamSchema][] {
  const properties = (policy.params_schema.properties ?? {}) as Record<string, ParamSchema>;
  return Object.entries(properties);
}

interface PolicyValues {
  approver_role?: string | null;
  params: Record<string, unknown>;
}

function PolicyCard({ policy }: { policy: ApprovalPolicyRead }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const [form] = Form.useForm<PolicyValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const update = useUpdatePolicy(policy.key);
  const roles = useRoles(can('users:read'));
  const params = paramsOf(policy);
  const initialParams: Record<string, unknown> = {};
  for (const [name, schema] of params) {
    const value = policy.params[name] ?? schema.default;
    initialParams[name] = typeof value === 'number' ? String(value) : value;
  }

  const submit = (values: PolicyValues) => {
    clear();
    const body = { approver_role: values.approver_role || null, params: {} as Record<string, unknown>, version: policy.version };
    for (const [name, schema] of params) {
      const value = values.params?.[name];
      if (value === undefined || value === null || value === '') continue;
      body.params[name] = kindOf(schema) === 'number' ? String(value) : value;
    }
    update.mutate(body, { onSuccess: () => void message.success(t('common.saved')), onError: handleError });
  };

  const roleOptions = (roles.data ?? []).map((r) => ({ value: r.key, label: `${r.name} (${r.key})` }));
  return (
    <Card size="small" title={t(`approvals.policies.titles.${policy.key}`, { defaultValue: policy.title })} data-testid={`policy-${policy.key}`} style={{ marginBottom: 16 }}>
      <FormProblem error={serverError} onReload={() => window.location.reload()} />
      <Form<PolicyValues> form={form} layout="vertical" initialValues={{ approver_role: policy.approver_role, params: initialParams }} onFinish={submit} style={{ maxWidth: 520 }}>
        {params.map(([name, schema]) => {
          const kind = kindOf(schema);
          return (
            <Form.Item
              key={name}
              name={['params', name]}
              label={t(`approvals.policies.params.${name}`, { defaultValue: schema.title ?? name })}
              valuePropName={kind === 'boolean' ? 'checked' : 'value'}
              rules={kind === 'number' ? [{ required: true, message: t('approvals.policies.required') }] : []}
            >
              {kind === 'number' ? (
                <InputNumber stringMode min="0" style={{ width: 200 }} data-testid={`policy-param-${name}`} />
              ) : kind === 'boolean' ? (
                <Switch />
              ) : (
                <Input data-testid={`policy-param-${name}`} />
              )}
            </Form.Item>
          );
        })}
        <Form.Item name="approver_role" label={t('approvals.policies.approverRole')} extra={t('approvals.policies.approverRoleHint')}>
          {can('users:read') ? (
            <Select allowClear loading={roles.isFetching} options={roleOptions} data-testid="policy-approver-role" placeholder={t('approvals.policies.defaultApprovers')} />
          ) : (
            <Input allowClear data-testid="policy-approver-role" placeholder={t('approvals.policies.roleKey')} />
          )}
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={update.isPending} data-testid="policy-save">
            {t('common.save')}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}

/** `/admin/approval-policies`: each registered approval policy's parameters and approvers. */
export function ApprovalPoliciesPage() {
  const { t } = useTranslation();
  const policies = usePolicies();
  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('approvals.policies.title')}</Typography.Title>}>
      <Typography.Paragraph type="secondary">{t('approvals.policies.intro')}</Typography.Paragraph>
      {policies.isPending ? (
        <Skeleton active />
      ) : policies.isError ? (
        <QueryError error={policies.error} onRetry={() => void policies.refetch()} />
      ) : (
        policies.data.map((policy) => <PolicyCard key={`${policy.key}:${policy.version}`} policy={policy} />)
      )}
    </Card>
  );
}
