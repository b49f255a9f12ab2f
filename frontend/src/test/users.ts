/** Users and timing shared by feature tests (two users: the signed-in admin and a seller). */
export const SLOW = { timeout: 10_000 };
export const ME_ID = '00000000-0000-0000-0000-000000000001';
export const BOB_ID = '00000000-0000-0000-0000-0000000000b0';

export function user(id: string, fullName: string) {
  return {
    id,
    email: `${id}@example.com`,
    full_name: fullName,
    phone: null,
    department_id: null,
    manager_id: null,
    is_active: true,
    roles: [],
    version: 1,
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
  };
}

export const USERS = { items: [user(ME_ID, 'Ada Admin'), user(BOB_ID, 'Bob Seller')], next_cursor: null, total: 2 };
