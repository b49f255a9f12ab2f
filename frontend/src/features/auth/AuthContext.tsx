import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { api, login as apiLogin, logout as apiLogout, unwrap } from '../../api/client';
import { tokenStore } from '../../api/tokens';
import type { Me } from '../../api/types';

export interface Auth {
  signedIn: boolean;
  me: Me | undefined;
  meError: unknown;
  loading: boolean;
  can: (permission: string) => boolean;
  login: (email: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  reloadMe: () => void;
}

const AuthContext = createContext<Auth | null>(null);

export const ME_QUERY_KEY = ['auth', 'me'] as const;

/** Permission check that understands `*` and `resource:*` grants. */
export function hasPermission(permissions: readonly string[] | undefined, permission: string): boolean {
  if (!permissions) return false;
  const resource = permission.split(':')[0];
  return permissions.includes(permission) || permissions.includes('*') || permissions.includes(`${resource}:*`);
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const signedIn = useSyncExternalStore(tokenStore.subscribe, tokenStore.hasSession);
  const meQuery = useQuery({
    queryKey: ME_QUERY_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/auth/me')),
    enabled: signedIn,
    staleTime: 5 * 60 * 1000,
  });
  const me = signedIn ? meQuery.data : undefined;

  const login = useCallback(
    async (email: string, password: string) => {
      queryClient.clear();
      await apiLogin(email, password);
    },
    [queryClient],
  );
  const logout = useCallback(async () => {
    await apiLogout();
    queryClient.clear();
  }, [queryClient]);
  const can = useCallback((permission: string) => hasPermission(me?.permissions, permission), [me]);
  const { refetch } = meQuery;
  const reloadMe = useCallback(() => void refetch(), [refetch]);

  const value = useMemo<Auth>(
    () => ({
      signedIn,
      me,
      meError: signedIn ? meQuery.error : null,
      loading: signedIn && meQuery.isPending,
      can,
      login,
      logout,
      reloadMe,
    }),
    [signedIn, me, meQuery.error, meQuery.isPending, can, login, logout, reloadMe],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth must be used inside <AuthProvider>');
  return auth;
}
