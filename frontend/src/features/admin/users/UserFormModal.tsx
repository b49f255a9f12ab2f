import { App, Form, Input, Select, TreeSelect } from 'antd';
import { useTranslation } from 'react-i18next';
import type { UserRead } from '../../../api/types';
import { FormModal } from '../../../components/FormModal';
import { useServerErrors } from '../../../lib/useServerErrors';
import { useAllUsers, useDepartments, useRoles, useSaveUser } from '../api';
import { buildDepartmentTree } from '../departments/tree';

interface UserFormValues {
  email: string;
  password?: string;
  full_name: string;
  phone?: string;
  department_id?: string | null;
  manager_id?: string | null;
  role_keys: string[];
}

function toValues(user: UserRead | undefined): UserFormValues {
  if (!user) return { email: '', full_name: '', role_keys: [] };
  return {
    email: user.email,
    full_name: user.full_name,
    phone: user.phone ?? undefined,
    department_id: user.department_id,
    manager_id: user.manager_id,
    role_keys: user.roles.map((role) => role.key),
  };
}

export function UserFormModal({ user, onClose }: { user?: UserRead; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<UserFormValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const save = useSaveUser();
  const departments = useDepartments();
  const roles = useRoles();
  const users = useAllUsers();
  const required = [{ required: true, whitespace: true, message: t('users.required') }];

  const onSubmit = (values: UserFormValues) => {
    clear();
    const common = {
      full_name: values.full_name.trim(),
      phone: values.phone?.trim() || null,
      department_id: values.department_id ?? null,
      manager_id: values.manager_id ?? null,
      role_keys: values.role_keys,
    };
    const onSuccess = () => {
      void message.success(t('common.saved'));
      onClose();
    };
    if (user) {
      save.mutate(
        { id: user.id, body: { ...common, ...(values.password ? { password: values.password } : {}), version: user.version } },
        { onSuccess, onError: handleError },
      );
    } else {
      save.mutate(
        { body: { ...common, email: values.email.trim(), password: values.password ?? '', is_active: true } },
        { onSuccess, onError: handleError },
      );
    }
  };

  return (
    <FormModal
      title={user ? t('users.editTitle') : t('users.newTitle')}
      width={560}
      form={form}
      submitting={save.isPending}
      onClose={onClose}
      serverError={serverError}
      onReload={onClose}
    >
      <Form<UserFormValues> form={form} layout="vertical" initialValues={toValues(user)} onFinish={onSubmit}>
        <Form.Item name="email" label={t('users.fields.email')} rules={required}>
          <Input disabled={Boolean(user)} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('users.fields.password')}
          rules={user ? [] : [{ required: true, message: t('users.required') }]}
          extra={user ? t('users.passwordHint') : undefined}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="full_name" label={t('users.fields.fullName')} rules={required}>
          <Input />
        </Form.Item>
        <Form.Item name="phone" label={t('users.fields.phone')}>
          <Input />
        </Form.Item>
        <Form.Item name="department_id" label={t('users.fields.department')}>
          <TreeSelect allowClear treeDefaultExpandAll loading={departments.isPending} treeData={buildDepartmentTree(departments.data ?? [])} />
        </Form.Item>
        <Form.Item name="manager_id" label={t('users.fields.manager')}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            loading={users.isPending}
            options={(users.data ?? [])
              .filter((candidate) => candidate.id !== user?.id)
              .map((candidate) => ({ value: candidate.id, label: `${candidate.full_name} <${candidate.email}>` }))}
          />
        </Form.Item>
        <Form.Item name="role_keys" label={t('users.fields.roles')}>
          <Select
            mode="multiple"
            loading={roles.isPending}
            options={(roles.data ?? []).map((role) => ({ value: role.key, label: role.name }))}
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
