import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Descriptions, Empty, Popconfirm, Row, Skeleton, Space, Tree, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DepartmentRead } from '../../../api/types';
import { QueryError } from '../../../components/QueryError';
import { problemMessage, problemOf } from '../../../lib/problem';
import { useDeleteDepartment, useDepartments } from '../api';
import { DepartmentFormModal } from './DepartmentFormModal';
import { buildDepartmentTree } from './tree';

type Editing = { department?: DepartmentRead; parentId?: string } | null;

export function DepartmentsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const departments = useDepartments();
  const remove = useDeleteDepartment();
  const [selectedId, setSelectedId] = useState<string>();
  const [editing, setEditing] = useState<Editing>(null);
  const all = useMemo(() => departments.data ?? [], [departments.data]);
  const tree = useMemo(() => buildDepartmentTree(all), [all]);
  const selected = all.find((department) => department.id === selectedId);
  const parentName = selected?.parent_id ? all.find((d) => d.id === selected.parent_id)?.name : undefined;

  const onDelete = (department: DepartmentRead) =>
    remove.mutate(department.id, {
      onSuccess: () => {
        setSelectedId(undefined);
        void message.success(t('common.deleted'));
      },
      onError: (error) => void message.error(problemMessage(problemOf(error), t)),
    });

  let body;
  if (departments.isPending) body = <Skeleton active />;
  else if (departments.isError) body = <QueryError error={departments.error} onRetry={() => void departments.refetch()} />;
  else
    body = (
      <Row gutter={24}>
        <Col xs={24} md={10}>
          {tree.length === 0 ? (
            <Empty description={t('departments.empty')} />
          ) : (
            <Tree
              data-testid="department-tree"
              blockNode
              defaultExpandAll
              treeData={tree}
              selectedKeys={selectedId ? [selectedId] : []}
              onSelect={(keys) => setSelectedId(keys[0] as string | undefined)}
            />
          )}
        </Col>
        <Col xs={24} md={14}>
          {selected ? (
            <Card size="small" title={selected.name}>
              <Descriptions size="small" column={1}>
                <Descriptions.Item label={t('departments.fields.parent')}>{parentName ?? t('departments.noParent')}</Descriptions.Item>
              </Descriptions>
              <Space>
                <Button onClick={() => setEditing({ department: selected })}>{t('common.edit')}</Button>
                <Button onClick={() => setEditing({ parentId: selected.id })} icon={<PlusOutlined />}>
                  {t('departments.new')}
                </Button>
                <Popconfirm title={t('common.confirmDelete')} onConfirm={() => onDelete(selected)} okText={t('common.yes')} cancelText={t('common.no')}>
                  <Button danger>{t('common.delete')}</Button>
                </Popconfirm>
              </Space>
            </Card>
          ) : (
            <Typography.Text type="secondary">{t('departments.selectHint')}</Typography.Text>
          )}
        </Col>
      </Row>
    );

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('departments.title')}</Typography.Title>}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})}>
          {t('departments.new')}
        </Button>
      }
    >
      {body}
      {editing && (
        <DepartmentFormModal departments={all} department={editing.department} defaultParentId={editing.parentId} onClose={() => setEditing(null)} />
      )}
    </Card>
  );
}
