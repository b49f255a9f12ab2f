import type { FeatureLocales } from '../module';

const en = {
  search: {
    placeholder: 'Search customers, contacts, phones…',
    noResults: 'Nothing found',
    type: { customer: 'Customer', contact: 'Contact' },
  },
};

const zh: typeof en = {
  search: {
    placeholder: '搜索客户、联系人、电话…',
    noResults: '没有找到',
    type: { customer: '客户', contact: '联系人' },
  },
};

export const searchLocales: FeatureLocales = { en, 'zh-CN': zh };
