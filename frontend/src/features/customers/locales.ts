import type { FeatureLocales } from '../module';

const en = {
  customers: {
    title: 'Customers',
    new: 'New customer',
    editTitle: 'Edit customer',
    newTitle: 'New customer',
    searchPlaceholder: 'Search name, phone, e-mail',
    profile: 'Profile',
    deletedMessage: 'Customer deleted',
    confirmDelete: 'Delete this customer? It goes to the recycle bin.',
    fields: {
      kind: 'Type',
      name: 'Name',
      phone: 'Phone',
      email: 'E-mail',
      province: 'Province',
      city: 'City',
      district: 'District',
      address: 'Address',
      industry: 'Industry',
      source: 'Source',
      tags: 'Tags',
      notes: 'Notes',
      createdAt: 'Created',
      updatedAt: 'Updated',
    },
    kind: { company: 'Company', person: 'Person' },
    nameRequired: 'Please enter a name',
  },
};

const zh: typeof en = {
  customers: {
    title: '客户',
    new: '新建客户',
    editTitle: '编辑客户',
    newTitle: '新建客户',
    searchPlaceholder: '搜索名称、电话、邮箱',
    profile: '基本信息',
    deletedMessage: '客户已删除',
    confirmDelete: '确定删除该客户？删除后可在回收站恢复。',
    fields: {
      kind: '类型',
      name: '名称',
      phone: '电话',
      email: '邮箱',
      province: '省份',
      city: '城市',
      district: '区县',
      address: '地址',
      industry: '行业',
      source: '来源',
      tags: '标签',
      notes: '备注',
      createdAt: '创建时间',
      updatedAt: '更新时间',
    },
    kind: { company: '企业', person: '个人' },
    nameRequired: '请输入名称',
  },
};

export const customersLocales: FeatureLocales = { en, 'zh-CN': zh };
