import { Alert, App, Checkbox, Col, Form, Input, Row, Select, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DataScope, RoleRead } from '../../../api/types';
import { FormModal } from '../../../components/FormModal';
import { QueryError } from '../../../components/QueryError';
import { useServerErrors } from '../../../lib/useServerErrors';
import { usePermissionCatalog, useSaveRole } from '../api';
import { groupPermissions, scopeChoices } from './catalogue';

interface RoleFormValues {
  key: string;
  name: string;
  description?: string;
  permissions: string[];
  data_scopes: Record<string, DataScope | undefined>;
}

function toValues(role: RoleRead | undefined): RoleFormValues {
  if (!role) return { key: '', name: '', permissions: [], data_scopes: {} };
  return {
    key: role.key,
    name: role.name,
    description: role.description || undefined,
    permissions: role.permissions,
    data_scopes: { ...role.data_scopes },
  };
}

function definedScopes(scopes: Record<string, DataScope | undefined>): Record<string, DataScope> {
  const result: Record<string, DataScope> = {};
  for (const [resource, scope] of Object.entries(scopes ?? {})) if (scope) result[resource] = scope;
  return result;
}

/** Create or edit a custom role; built-in roles are shown read-only. */
export function RoleFormModal({ role, onClose }: { role?: RoleRead; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<RoleFormValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const catalogue = usePermissionCatalog();
  const save = useSaveRole();
  const readOnly = Boolean(role?.is_builtin);
  const groups = groupPermissions(catalogue.data);
  const { resources, scopes } = scopeChoices(catalogue.data);

  const onSubmit = (values: RoleFormValues) => {
    clear();
    const body = {
      name: values.name.trim(),
      description: values.description?.trim() ?? '',
      permissions: values.permissions ?? [],
      data_scopes: definedScopes(values.data_scopes),
    };
    const onSuccess = () => {
      void message.success(t('common.saved'));
      onClose();
    };
    if (role) save.mutate({ id: role.id, body: { ...body, version: role.version } }, { onSuccess, onError: handleError });
    else save.mutate({ body: { ...body, key: values.key.trim() } }, { onSuccess, onError: handleError });
  };

  const title = readOnly ? t('roles.viewTitle') : role ? t('roles.editTitle') : t('roles.newTitle');
  return (
    <FormModal
      title={title}
      width={760}
      form={form}
      submitting={save.isPending}
      onClose={onClose}
      serverError={serverError}
      onReload={onClose}
      okButtonProps={{ disabled: readOnly }}
      intro={readOnly && <Alert type="info" showIcon title={t('roles.builtinReadOnly')} style={{ marginBottom: 16 }} />}
    >
      <Form<RoleFormValues> form={form} layout="vertical" initialValues={toValues(role)} onFinish={onSubmit} disabled={readOnly}>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="key"
              label={t('roles.fields.key')}
              rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{1,63}$/, message: t('roles.keyRequired') }]}
            >
              <Input disabled={Boolean(role)} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="name" label={t('roles.fields.name')} rules={[{ required: true, whitespace: true, message: t('roles.nameRequired') }]}>
              <Input />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="description" label={t('roles.fields.description')}>
          <Input.TextArea rows={2} />
        </Form.Item>
        {catalogue.isPending ? (
          <Skeleton active />
        ) : catalogue.isError ? (
          <QueryError error={catalogue.error} onRetry={() => void catalogue.refetch()} />
        ) : (
          <>
            <Form.Item name="permissions" label={t('roles.fields.permissions')}>
              <Checkbox.Group style={{ width: '100%' }}>
                <Row gutter={[8, 4]}>
                  {groups.map((group) => (
                    <Col span={24} key={group.resource}>
                      <Typography.Text strong style={{ display: 'inline-block', minWidth: 120 }}>
                        {group.resource}
                      </Typography.Text>
                      {group.codes.map((code) => (
                        <Checkbox key={code} value={code}>
                          {code.split(':').slice(1).join(':') || code}
                        </Checkbox>
                      ))}
                    </Col>
                  ))}
                </Row>
              </Checkbox.Group>
            </Form.Item>
            <Typography.Text strong>{t('roles.fields.dataScopes')}</Typography.Text>
            <Row gutter={16} style={{ marginTop: 8 }}>
              {resources.map((resource) => (
                <Col span={12} key={resource}>
                  <Form.Item name={['data_scopes', resource]} label={resource} style={{ marginBottom: 8 }}>
                    <Select<DataScope>
                      allowClear
                      placeholder={t('roles.scope.none')}
                      options={scopes.map((scope) => ({ value: scope, label: t(`roles.scope.${scope}`) }))}
                    />
                  </Form.Item>
                </Col>
              ))}
            </Row>
          </>
        )}
      </Form>
    </FormModal>
  );
}
