import { ALL_PERMISSIONS } from '../../test/fetchMock';
import { ME_ID } from '../../test/users';

export { SLOW, ME_ID, BOB_ID, USERS, user } from '../../test/users';

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
