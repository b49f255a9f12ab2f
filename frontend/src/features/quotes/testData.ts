import { ALL_PERMISSIONS } from '../../test/fetchMock';

export const SLOW = { timeout: 10_000 };
export const ME_ID = '00000000-0000-0000-0000-000000000001';
export const SELLER = [...ALL_PERMISSIONS, 'deals:read', 'deals:write', 'quotes:read', 'quotes:write', 'products:read'];
export const QUOTE_READER = [...ALL_PERMISSIONS, 'deals:read', 'quotes:read', 'products:read'];

export const DEAL = {
  id: 'd1',
  name: 'Acme rollout',
  customer_id: 'c1',
  contact_id: null,
  pipeline_id: 'p1',
  stage_id: 's1',
  status: 'open',
  amount: '1000.00',
  currency: 'CNY',
  expected_close_date: null,
  product_line: null,
  lost_reason: null,
  owner_id: ME_ID,
  department_id: null,
  version: 1,
  created_at: '2026-11-30T08:00:00Z',
  updated_at: '2026-11-30T08:00:00Z',
};

export const PRODUCT = {
  id: 'p-1',
  sku: 'SKU-1',
  name: 'Widget',
  product_line: null,
  unit: 'pcs',
  active: true,
  description: null,
  version: 1,
  created_at: '2026-11-30T08:00:00Z',
  updated_at: '2026-11-30T08:00:00Z',
};

export function quoteLine(extra: Record<string, unknown> = {}) {
  return {
    id: 'ql1',
    position: 1,
    product_id: 'p-1',
    description: 'Widget',
    quantity: '2.000',
    unit: 'pcs',
    list_unit_price: '100.0000',
    unit_price: '100.0000',
    discount_percent: '0.00',
    line_total: '200.00',
    ...extra,
  };
}

export function quote(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    deal_id: 'd1',
    number: 'Q000001',
    revision: 1,
    status: 'draft',
    currency: 'CNY',
    price_book_id: null,
    customer_group: null,
    valid_until: null,
    discount_percent: '0.00',
    tax_rate_percent: '13.00',
    list_total: '200.00',
    subtotal: '200.00',
    discount_amount: '0.00',
    tax_amount: '26.00',
    total: '226.00',
    effective_discount_percent: '0.0000',
    notes: null,
    decision_comment: null,
    created_by: ME_ID,
    sent_at: null,
    accepted_at: null,
    version: 1,
    created_at: '2026-11-30T08:00:00Z',
    updated_at: '2026-11-30T08:00:00Z',
    lines: [quoteLine()],
    approval_id: null as string | null,
    ...extra,
  };
}

export function approval(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    object_type: 'quote',
    object_id: 'q1',
    policy_key: 'quote_discount',
    summary: 'Quote Q000001 (revision 1): 170.00 CNY, discount 25.00 %',
    reason: 'The effective discount of 25.00 % is above the 15 % threshold.',
    data: {
      quote_id: 'q1',
      deal_id: 'd1',
      number: 'Q000001',
      revision: 1,
      total: '170.00',
      currency: 'CNY',
      effective_discount_percent: '25.0000',
      threshold_percent: '15',
    },
    link: '/quotes/q1',
    requested_by: '00000000-0000-0000-0000-0000000000b0',
    approver_user_id: ME_ID,
    approver_role: null,
    status: 'pending',
    comment: null,
    decided_by: null,
    decided_at: null,
    version: 1,
    created_at: '2026-11-30T08:00:00Z',
    ...extra,
  };
}
