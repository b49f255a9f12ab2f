import { LogoutOutlined } from '@ant-design/icons';
import { Button, Layout, Menu, Space, Typography, type MenuProps } from 'antd';
import { Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useAuth } from '../features/auth/AuthContext';
import { slot } from '../features/slots';
import { visibleNavigation } from './nav';

type MenuItem = Required<MenuProps>['items'][number];

function useMenuItems(): MenuItem[] {
  const { t } = useTranslation();
  const { can } = useAuth();
  return visibleNavigation(can).map((item): MenuItem => {
    if ('children' in item) {
      return {
        key: item.key,
        icon: item.icon,
        label: <span data-testid={`nav-${item.key}`}>{t(item.labelKey)}</span>,
        children: item.children.map((child) => ({
          key: child.path,
          icon: child.icon,
          label: (
            <Link to={child.path} data-testid={`nav-${child.path.split('/').pop()}`}>
              {t(child.labelKey)}
            </Link>
          ),
        })),
      };
    }
    return {
      key: item.path,
      icon: item.icon,
      label: (
        <Link to={item.path} data-testid={`nav-${item.path.slice(1)}`}>
          {t(item.labelKey)}
        </Link>
      ),
    };
  });
}

export function AppLayout() {
  const { t } = useTranslation();
  const { me, logout } = useAuth();
  const location = useLocation();
  const items = useMenuItems();
  const [collapsed, setCollapsed] = useState(false);
  const selected = '/' + location.pathname.split('/').filter(Boolean).slice(0, location.pathname.startsWith('/admin') ? 2 : 1).join('/');

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} theme="light" width={200}>
        <div style={{ padding: '14px 20px', fontWeight: 600, fontSize: 18 }}>{t('app.name')}</div>
        <Menu
          data-testid="side-nav"
          mode="inline"
          items={items}
          selectedKeys={[selected]}
          defaultOpenKeys={location.pathname.startsWith('/admin') ? ['admin'] : []}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{ background: '#fff', padding: '0 16px', display: 'flex', justifyContent: 'flex-end', alignItems: 'center', height: 48, lineHeight: '48px' }}
        >
          <Space size="middle">
            {slot('headerWidgets').map((widget) => (
              <Suspense key={widget.key} fallback={null}>
                {widget.render()}
              </Suspense>
            ))}
            <LanguageSwitch />
            <Typography.Text data-testid="current-user">{me?.user.full_name || me?.user.email}</Typography.Text>
            <Button size="small" icon={<LogoutOutlined />} onClick={() => void logout()} data-testid="logout">
              {t('auth.logout')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 16 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
