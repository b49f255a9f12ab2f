import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import i18n, { LANGUAGE_STORAGE_KEY, toSupportedLanguage } from '.';
import { emptyPage, json, meResponse, stubFetch } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import en from './locales/en';
import zhCN from './locales/zh-CN';

function keysOf(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, child]) =>
    typeof child === 'object' && child !== null ? keysOf(child, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

describe('language', () => {
  it('switches the whole UI between English and Chinese from the header', async () => {
    stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(['customers:read', 'contacts:read']));
      if (request.method === 'GET') return json(emptyPage);
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/customers');
    const nav = await screen.findByTestId('side-nav');
    expect(within(nav).getByText('Customers')).toBeInTheDocument();

    await user.click(within(screen.getByTestId('language-switch')).getByText('中文'));

    expect(await within(nav).findByText('客户')).toBeInTheDocument();
    expect(within(nav).getByText('联系人')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /退出登录/ })).toBeInTheDocument();
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('zh-CN');
    expect(document.documentElement.lang).toBe('zh-CN');

    await user.click(within(screen.getByTestId('language-switch')).getByText('English'));
    expect(await within(nav).findByText('Customers')).toBeInTheDocument();
  });

  it('switches on the login page too', async () => {
    stubFetch(() => undefined);
    const user = userEvent.setup();
    renderApp('/login', { signedIn: false });
    await user.click(within(await screen.findByTestId('language-switch')).getByText('中文'));
    expect(await screen.findByLabelText('邮箱')).toBeInTheDocument();
    expect(screen.getByLabelText('密码')).toBeInTheDocument();
  });

  it('maps browser languages onto the shipped ones', () => {
    expect(toSupportedLanguage('zh')).toBe('zh-CN');
    expect(toSupportedLanguage('zh-TW')).toBe('zh-CN');
    expect(toSupportedLanguage('en-GB')).toBe('en');
    expect(toSupportedLanguage('de')).toBe('en');
    expect(toSupportedLanguage(undefined)).toBe('en');
    expect(i18n.options.supportedLngs).toEqual(expect.arrayContaining(['en', 'zh-CN']));
  });

  it('has every English key translated to Chinese', () => {
    expect(keysOf(zhCN).sort()).toEqual(keysOf(en).sort());
  });
});
