import { App, Form, Input, TreeSelect } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DepartmentRead } from '../../../api/types';
import { FormModal } from '../../../components/FormModal';
import { useServerErrors } from '../../../lib/useServerErrors';
import { useSaveDepartment } from '../api';
import { buildDepartmentTree, selfAndDescendants } from './tree';

interface DepartmentFormValues {
  name: string;
  parent_id?: string | null;
}

interface DepartmentFormModalProps {
  departments: DepartmentRead[];
  department?: DepartmentRead;
  defaultParentId?: string;
  onClose: () => void;
}

export function DepartmentFormModal({ departments, department, defaultParentId, onClose }: DepartmentFormModalProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<DepartmentFormValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const save = useSaveDepartment();
  const blocked = department ? selfAndDescendants(departments, department.id) : new Set<string>();

  const onSubmit = (values: DepartmentFormValues) => {
    clear();
    const body = { name: values.name.trim(), parent_id: values.parent_id ?? null };
    const onSuccess = () => {
      void message.success(t('common.saved'));
      onClose();
    };
    if (department) {
      save.mutate({ id: department.id, body: { ...body, version: department.version } }, { onSuccess, onError: handleError });
    } else {
      save.mutate({ body }, { onSuccess, onError: handleError });
    }
  };

  return (
    <FormModal
      title={department ? t('departments.editTitle') : t('departments.newTitle')}
      form={form}
      submitting={save.isPending}
      onClose={onClose}
      serverError={serverError}
      onReload={onClose}
    >
      <Form<DepartmentFormValues>
        form={form}
        layout="vertical"
        initialValues={{ name: department?.name ?? '', parent_id: department ? department.parent_id : (defaultParentId ?? null) }}
        onFinish={onSubmit}
      >
        <Form.Item name="name" label={t('departments.fields.name')} rules={[{ required: true, whitespace: true, message: t('departments.nameRequired') }]}>
          <Input autoFocus />
        </Form.Item>
        <Form.Item name="parent_id" label={t('departments.fields.parent')}>
          <TreeSelect allowClear placeholder={t('departments.noParent')} treeDefaultExpandAll treeData={buildDepartmentTree(departments, blocked)} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
