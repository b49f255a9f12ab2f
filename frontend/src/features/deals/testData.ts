import { ALL_PERMISSIONS } from '../../test/fetchMock';
export { SLOW, ME_ID, BOB_ID, USERS, user } from '../../test/users';

export const SALES = [...ALL_PERMISSIONS, 'users:read', 'deals:read', 'deals:write'];
export const READER = [...ALL_PERMISSIONS, 'users:read', 'deals:read'];
export const ADMIN = [...SALES, 'admin:settings'];

export const PIPELINE_ID = 'p1';

export function stage(id: string, key: string, name: string, position: number, kind: 'open' | 'won' | 'lost' = 'open', extra: Record<string, unknown> = {}) {
  return {
    id,
    pipeline_id: PIPELINE_ID,
    key,
    name,
    position,
    probability: kind === 'won' ? 100 : kind === 'lost' ? 0 : position * 20,
    kind,
    gate: {},
    triggers: [],
    version: 1,
    ...extra,
  };
}

export const STAGES = [
  stage('s1', 'initial_contact', 'Initial contact', 1),
  stage('s2', 'needs_confirmed', 'Needs confirmed', 2, 'open', { gate: { required_fields: ['expected_close_date'], required_attachments: ['needs_document', 'competitor_analysis'] } }),
  stage('s3', 'proposal', 'Proposal', 3),
  stage('s4', 'won', 'Won', 4, 'won'),
  stage('s5', 'lost', 'Lost', 5, 'lost'),
];

export function pipeline(id = PIPELINE_ID, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: id === PIPELINE_ID ? 'Sales' : `Pipeline ${id}`,
    is_default: id === PIPELINE_ID,
    active: true,
    version: 1,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    stages: id === PIPELINE_ID ? STAGES : [],
    ...extra,
  };
}

export function card(id: string, stageId: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    stage_id: stageId,
    name: `Deal ${id}`,
    customer_id: 'c1',
    customer_name: 'Acme Ltd',
    amount: '1000.00',
    currency: 'CNY',
    expected_close_date: '2026-12-31',
    owner_id: '00000000-0000-0000-0000-000000000001',
    stage_entered_at: '2026-11-01T00:00:00Z',
    updated_at: '2026-11-01T00:00:00Z',
    version: 2,
    ...extra,
  };
}

export function deal(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: `Deal ${id}`,
    customer_id: 'c1',
    customer_name: 'Acme Ltd',
    contact_id: null,
    pipeline_id: PIPELINE_ID,
    stage_id: 's1',
    status: 'open',
    amount: '1000.00',
    currency: 'CNY',
    expected_close_date: '2026-12-31',
    product_line: null,
    lost_reason: null,
    notes: null,
    stage_entered_at: '2026-11-01T00:00:00Z',
    closed_at: null,
    recommended_contract_template_id: null,
    custom_fields: {},
    owner_id: '00000000-0000-0000-0000-000000000001',
    department_id: null,
    version: 3,
    created_at: '2026-11-01T00:00:00Z',
    updated_at: '2026-11-01T00:00:00Z',
    ...extra,
  };
}

export const CUSTOMER = { id: 'c1', name: 'Acme Ltd', kind: 'company' };
