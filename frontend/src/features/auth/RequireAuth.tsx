import { Button, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { NotFound } from '../../components/NotFound';
import { problemMessage, problemOf } from '../../lib/problem';
import { useAuth } from './AuthContext';

/** Renders its children only for a signed-in user whose profile has loaded. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { signedIn, me, meError, loading, reloadMe } = useAuth();
  const location = useLocation();
  const { t } = useTranslation();
  if (!signedIn) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (loading) return <Spin size="large" style={{ display: 'block', margin: '20vh auto' }} />;
  if (!me) {
    return (
      <Result
        status="error"
        title={t('errors.loadFailed')}
        subTitle={problemMessage(problemOf(meError), t)}
        extra={<Button onClick={reloadMe}>{t('common.retry')}</Button>}
      />
    );
  }
  return children;
}

/** Shows a not-found page unless the user holds the permission (the API answers 403/404 anyway). */
export function RequirePermission({ permission, children }: { permission: string; children: ReactNode }) {
  const { can } = useAuth();
  return can(permission) ? children : <NotFound />;
}
