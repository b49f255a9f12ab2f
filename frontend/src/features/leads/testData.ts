import { ALL_PERMISSIONS } from '../../test/fetchMock';

export const SLOW = { timeout: 10_000 };
export const ME_ID = '00000000-0000-0000-0000-000000000001';
export const BOB_ID = '00000000-0000-0000-0000-0000000000b0';
export const SALES = [...ALL_PERMISSIONS, 'users:read', 'leads:read', 'leads:write'];
export const MANAGER = [...SALES, 'leads:assign', 'deals:write'];
export const READER = [...ALL_PERMISSIONS, 'users:read', 'leads:read'];
/** A salesperson who may not list users. */
export const SALES_NO_USERS = [...ALL_PERMISSIONS, 'leads:read', 'leads:write'];

export function lead(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    person_name: `Person ${id}`,
    company_name: `Company ${id}`,
    title: null,
    phone: null,
    phone_e164: null,
    email: null,
    source: 'web',
    campaign: null,
    province: null,
    city: null,
    product_line: null,
    grade: 'A',
    score: 80,
    status: 'new',
    notes: null,
    owner_id: ME_ID,
    department_id: null,
    assigned_at: null,
    converted_at: null,
    converted_customer_id: null,
    converted_contact_id: null,
    converted_deal_id: null,
    version: 1,
    created_at: '2026-11-30T08:00:00Z',
    updated_at: '2026-11-30T08:00:00Z',
    custom_fields: {},
    ...extra,
  };
}

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
