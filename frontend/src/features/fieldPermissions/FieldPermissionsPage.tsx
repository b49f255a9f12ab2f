import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Flex, Input, Select, Skeleton, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '../../components/QueryError';
import { problemMessage, problemOf } from '../../lib/problem';
import { useRoles } from '../admin/api';
import type { FieldAccess, ProtectedObjectRead } from './api';
import { useFieldRules, useProtectedObjects, useSaveFieldRules } from './api';
import type { EditableRule } from './rules';
import { customFieldsWithRules, indexRules, ruleOf, rulesToSave, withRule } from './rules';

const ACCESS: FieldAccess[] = ['editable', 'read_only', 'hidden'];
const CUSTOM_KEY = /^[a-z][a-z0-9_]{0,62}$/;

interface Row {
  field: string;
  sensitive: boolean;
  rule: EditableRule;
}

/** One object type's fields with the role's rule on each. */
function ObjectRules({
  object,
  rules,
  onChange,
}: {
  object: ProtectedObjectRead;
  rules: Map<string, EditableRule>;
  onChange: (field: string, rule: EditableRule) => void;
}) {
  const { t } = useTranslation();
  const [customKey, setCustomKey] = useState('');
  const rows: Row[] = [
    ...object.fields.map((f) => ({ field: f.name, sensitive: f.sensitive, rule: ruleOf(rules, object.object_type, f.name) })),
    ...customFieldsWithRules(rules, object.object_type).map((field) => ({ field, sensitive: false, rule: ruleOf(rules, object.object_type, field) })),
  ];
  const columns: ColumnsType<Row> = [
    {
      title: t('fieldPermissions.field'),
      dataIndex: 'field',
      render: (field: string, row) => (
        <Space>
          <Typography.Text code>{field}</Typography.Text>
          {row.sensitive && <Tag color="orange">{t('fieldPermissions.sensitive')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('fieldPermissions.access'),
      key: 'access',
      render: (_: unknown, row) => (
        <Select<FieldAccess>
          style={{ width: 160 }}
          value={row.rule.access}
          data-testid={`field-access-${row.field}`}
          options={ACCESS.map((a) => ({ value: a, label: t(`fieldPermissions.accessOptions.${a}`) }))}
          onChange={(access) => onChange(row.field, { ...row.rule, access })}
        />
      ),
    },
    {
      title: t('fieldPermissions.masked'),
      key: 'masked',
      render: (_: unknown, row) => (
        <Switch
          checked={row.rule.masked}
          disabled={row.rule.access === 'hidden'}
          data-testid={`field-masked-${row.field}`}
          onChange={(masked) => onChange(row.field, { ...row.rule, masked })}
        />
      ),
    },
  ];
  const addCustom = () => {
    onChange(`cf.${customKey}`, { access: 'read_only', masked: false });
    setCustomKey('');
  };
  return (
    <Flex vertical gap="middle">
      <Table<Row> rowKey="field" size="small" pagination={false} columns={columns} dataSource={rows} />
      <Space.Compact>
        <Input
          addonBefore="cf."
          placeholder={t('fieldPermissions.customKey')}
          value={customKey}
          onChange={(e) => setCustomKey(e.target.value.trim())}
          onPressEnter={() => CUSTOM_KEY.test(customKey) && addCustom()}
        />
        <Button icon={<PlusOutlined />} disabled={!CUSTOM_KEY.test(customKey)} onClick={addCustom}>
          {t('fieldPermissions.addCustom')}
        </Button>
      </Space.Compact>
    </Flex>
  );
}

/** Per role: which fields of customers, contacts and leads are hidden, read-only or masked. */
export function FieldPermissionsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const roles = useRoles();
  const objects = useProtectedObjects();
  const [roleId, setRoleId] = useState<string>();
  const stored = useFieldRules(roleId);
  const save = useSaveFieldRules(roleId ?? '');
  // Unsaved edits belong to the role they were made on; otherwise the stored rules show.
  const [draft, setDraft] = useState<{ roleId: string; rules: Map<string, EditableRule> }>();
  const storedIndex = useMemo(() => indexRules(stored.data?.rules ?? []), [stored.data]);
  const edited = draft && draft.roleId === roleId ? draft.rules : storedIndex;

  if (roles.error || objects.error) return <QueryError error={roles.error ?? objects.error} />;
  if (!roles.data || !objects.data) return <Skeleton active />;
  const onSave = () =>
    save.mutate(rulesToSave(edited), {
      onSuccess: () => void message.success(t('fieldPermissions.saved')),
      onError: (error) => void message.error(problemMessage(problemOf(error), t)),
    });
  return (
    <Card title={t('fieldPermissions.title')}>
      <Flex vertical gap="middle">
        <Typography.Paragraph type="secondary">{t('fieldPermissions.intro')}</Typography.Paragraph>
        <Space>
          <Select
            style={{ width: 280 }}
            placeholder={t('fieldPermissions.chooseRole')}
            value={roleId}
            data-testid="field-permissions-role"
            options={roles.data.map((r) => ({ value: r.id, label: r.name }))}
            onChange={setRoleId}
          />
          <Button type="primary" disabled={!roleId || !stored.data} loading={save.isPending} onClick={onSave} data-testid="field-permissions-save">
            {t('common.save')}
          </Button>
        </Space>
        {!roleId ? (
          <Empty description={t('fieldPermissions.chooseRole')} />
        ) : stored.error ? (
          <QueryError error={stored.error} />
        ) : !stored.data ? (
          <Skeleton active />
        ) : (
          <Tabs
            items={objects.data.map((object) => ({
              key: object.object_type,
              label: t(`fieldPermissions.objects.${object.object_type}`, { defaultValue: object.object_type }),
              children: (
                <ObjectRules
                  object={object}
                  rules={edited}
                  onChange={(field, rule) => roleId && setDraft({ roleId, rules: withRule(edited, object.object_type, field, rule) })}
                />
              ),
            }))}
          />
        )}
      </Flex>
    </Card>
  );
}
