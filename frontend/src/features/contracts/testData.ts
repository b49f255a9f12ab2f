import { ALL_PERMISSIONS } from '../../test/fetchMock';

export const SLOW = { timeout: 10_000 };
export const CONTRACTS_RW = [...ALL_PERMISSIONS, 'contracts:read', 'contracts:write', 'contracts:sign'];
export const CONTRACTS_RO = [...ALL_PERMISSIONS, 'contracts:read'];
export const ADMIN_SETTINGS = [...CONTRACTS_RW, 'admin:settings'];

const LINES = [
  { product_id: null, description: 'Widget', quantity: '2', unit_price: '100.10', discount_percent: '0', line_total: '200.20' },
  { product_id: null, description: 'Setup', quantity: '1', unit_price: '99.80', discount_percent: '0', line_total: '99.80' },
];

export function contract(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    number: `HT-${id}`,
    title: 'Acme supply',
    customer_id: 'c1',
    customer_name: 'Acme Ltd',
    deal_id: 'd1',
    template_id: null,
    renewed_from_id: null,
    parties: {},
    terms: 'Terms text',
    start_date: '2026-01-01',
    end_date: '2026-12-31',
    currency: 'CNY',
    lines: LINES,
    total: '300.00',
    status: 'draft',
    signed_at: null,
    notes: null,
    owner_id: null,
    department_id: null,
    version: 2,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

export function order(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    number: `DD-${id}`,
    customer_id: 'c1',
    customer_name: 'Acme Ltd',
    contract_id: 'k1',
    currency: 'CNY',
    fx_rate: '1',
    lines: LINES,
    total: '300.00',
    status: 'pending_payment',
    paid_at: null,
    shipped_at: null,
    completed_at: null,
    cancelled_at: null,
    notes: null,
    owner_id: null,
    department_id: null,
    version: 1,
    created_at: '2026-02-01T00:00:00Z',
    updated_at: '2026-02-01T00:00:00Z',
    ...extra,
  };
}

export function plan(orderId: string, extra: Record<string, unknown> = {}) {
  return {
    order_id: orderId,
    currency: 'CNY',
    total: '300.00',
    paid: '0.00',
    outstanding: '300.00',
    instalments: [{ id: 'i1', position: 1, kind: 'final', due_date: '2026-03-01', amount: '300.00', paid_amount: '0.00', outstanding: '300.00' }],
    ...extra,
  };
}

export const CUSTOMER = { id: 'c1', name: 'Acme Ltd' };
