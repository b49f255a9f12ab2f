import { useAllUsers } from './api';
import { useAuth } from '../auth/AuthContext';

/**
 * A user's display name by id. The user list needs users:read; without it only the signed-in
 * user is named and others show a short id (no request the server would refuse).
 */
export function useUserName(enabled = true) {
  const { can, me } = useAuth();
  const users = useAllUsers(enabled && can('users:read'));
  return (id: string) => users.data?.find((u) => u.id === id)?.full_name ?? (me && id === me.user.id ? me.user.full_name : id.slice(0, 8));
}
