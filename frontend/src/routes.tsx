import { Navigate, type RouteObject } from 'react-router';
import { NotFound } from './components/NotFound';
import { useAuth } from './features/auth/AuthContext';
import { LoginPage } from './features/auth/LoginPage';
import { RequireAuth } from './features/auth/RequireAuth';
import { FEATURE_MODULES } from './features/modules';
import { AppLayout } from './layout/AppLayout';
import { homePath } from './layout/nav';

function Home() {
  const { can } = useAuth();
  const path = homePath(can);
  return path ? <Navigate to={path} replace /> : <NotFound />;
}

/** The app's routes: the login page, then every feature module's pages (the shell holds none). */
export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  ...FEATURE_MODULES.flatMap((feature) => feature.publicRoutes ?? []),
  {
    path: '/',
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <Home /> },
      ...FEATURE_MODULES.flatMap((feature) => feature.routes ?? []),
      { path: '*', element: <NotFound /> },
    ],
  },
];
