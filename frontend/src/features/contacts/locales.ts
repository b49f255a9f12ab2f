import type { FeatureLocales } from '../module';

const en = {
  contacts: {
    title: 'Contacts',
    add: 'Add contact',
    newTitle: 'New contact',
    editTitle: 'Edit contact',
    searchPlaceholder: 'Search name, phone, e-mail',
    empty: 'No contacts yet',
    primary: 'Primary',
    fields: {
      name: 'Name',
      title: 'Job title',
      phone: 'Phone',
      email: 'E-mail',
      isPrimary: 'Primary contact',
      notes: 'Notes',
      customer: 'Customer',
    },
    nameRequired: 'Please enter a name',
  },
};

const zh: typeof en = {
  contacts: {
    title: '联系人',
    add: '添加联系人',
    newTitle: '新建联系人',
    editTitle: '编辑联系人',
    searchPlaceholder: '搜索姓名、电话、邮箱',
    empty: '暂无联系人',
    primary: '主要',
    fields: {
      name: '姓名',
      title: '职务',
      phone: '电话',
      email: '邮箱',
      isPrimary: '主要联系人',
      notes: '备注',
      customer: '客户',
    },
    nameRequired: '请输入姓名',
  },
};

export const contactsLocales: FeatureLocales = { en, 'zh-CN': zh };
