import type { FeatureLocales } from '../module';

const en = {
  auth: {
    title: 'Sign in',
    email: 'E-mail',
    password: 'Password',
    submit: 'Sign in',
    logout: 'Log out',
    emailRequired: 'Please enter your e-mail',
    passwordRequired: 'Please enter your password',
    failed: 'Sign-in failed',
  },
};

const zh: typeof en = {
  auth: {
    title: '登录',
    email: '邮箱',
    password: '密码',
    submit: '登录',
    logout: '退出登录',
    emailRequired: '请输入邮箱',
    passwordRequired: '请输入密码',
    failed: '登录失败',
  },
};

export const authLocales: FeatureLocales = { en, 'zh-CN': zh };
