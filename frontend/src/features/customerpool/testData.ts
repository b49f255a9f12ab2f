import { ALL_PERMISSIONS } from '../../test/fetchMock';

export const SLOW = { timeout: 10_000 };
export const ME_ID = '00000000-0000-0000-0000-000000000001';
export const BOB_ID = '00000000-0000-0000-0000-0000000000b0';
export const CAROL_ID = '00000000-0000-0000-0000-0000000000c0';
/** A salesperson: reads customers and claims from the pool. */
export const SALES = [...ALL_PERMISSIONS, 'users:read', 'customers:claim'];
/** A manager: also assigns pool customers to users. */
export const MANAGER = [...SALES, 'customers:assign'];
/** Reads the pool (e.g. an auditor) but may neither claim nor assign. */
export const READER = ['customers:read', 'users:read'];
export const ADMIN = ['customers:read', 'admin:settings', 'users:read'];

export function customer(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    kind: 'company',
    name: `Customer ${id}`,
    phone: null,
    phone_e164: null,
    email: null,
    province: 'Zhejiang',
    city: 'Hangzhou',
    district: null,
    address: null,
    industry: null,
    source: null,
    customer_group: null,
    tags: [],
    notes: null,
    level: 'A',
    owner_id: null,
    department_id: null,
    owner_assigned_at: null,
    last_follow_up_at: null,
    returned_to_pool_at: '2026-11-20T08:00:00Z',
    previous_owner_id: BOB_ID,
    merged_into_id: null,
    version: 2,
    created_at: '2026-01-01T08:00:00Z',
    updated_at: '2026-11-20T08:00:00Z',
    orders_count: 0,
    revenue: '0',
    first_purchase_at: null,
    last_purchase_at: null,
    custom_fields: {},
    completeness: null,
    ...extra,
  };
}

export function user(id: string, fullName: string) {
  return {
    id,
    email: `${fullName.split(' ')[0].toLowerCase()}@example.com`,
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

export const USERS = { items: [user(ME_ID, 'Ada Admin'), user(BOB_ID, 'Bob Seller'), user(CAROL_ID, 'Carol Closer')], next_cursor: null, total: 3 };

export function caps(extra: Record<string, unknown> = {}) {
  return { default: 5, roles: [], mine: { cap: 5, owned: 5 }, ...extra };
}

export function policy(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    level: 'A',
    days_without_follow_up: 30,
    days_without_deal: null,
    warn_days_before: 3,
    enabled: true,
    version: 1,
    created_at: '2026-11-01T08:00:00Z',
    updated_at: '2026-11-01T08:00:00Z',
    ...extra,
  };
}

export const page = <T,>(items: T[]) => ({ items, next_cursor: null, total: items.length });
