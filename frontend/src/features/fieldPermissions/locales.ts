import type { FeatureLocales } from '../module';

const en = {
  nav: 'Field permissions',
  title: 'Field permissions',
  intro:
    'Per role: which fields its users see and may change. Hidden fields are left out of every answer, list, search and export; read-only ones cannot be set; masked ones show as 138****8000 or z***@example.com (holders of the reveal permission may see one value in full, audited). A user with several roles gets the most open rule.',
  chooseRole: 'Choose a role',
  field: 'Field',
  sensitive: 'sensitive',
  access: 'Access',
  accessOptions: { editable: 'Editable', read_only: 'Read-only', hidden: 'Hidden' },
  masked: 'Masked',
  customKey: 'custom field key',
  addCustom: 'Add custom field',
  saved: 'Field permissions saved.',
  objects: { customer: 'Customers', contact: 'Contacts', lead: 'Leads' },
};

const zh: typeof en = {
  nav: '字段权限',
  title: '字段权限',
  intro:
    '按角色设置其用户能看到和修改哪些字段。隐藏的字段不会出现在任何详情、列表、搜索和导出中；只读字段不能修改；脱敏字段显示为 138****8000 或 z***@example.com（拥有查看权限的用户可逐个查看完整值，并记入审计日志）。拥有多个角色的用户取最宽松的规则。',
  chooseRole: '选择角色',
  field: '字段',
  sensitive: '敏感',
  access: '权限',
  accessOptions: { editable: '可编辑', read_only: '只读', hidden: '隐藏' },
  masked: '脱敏',
  customKey: '自定义字段标识',
  addCustom: '添加自定义字段',
  saved: '字段权限已保存。',
  objects: { customer: '客户', contact: '联系人', lead: '线索' },
};

export const fieldPermissionsLocales: FeatureLocales = { en: { fieldPermissions: en }, 'zh-CN': { fieldPermissions: zh } };
