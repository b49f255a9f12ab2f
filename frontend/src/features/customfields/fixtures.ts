// Test data shaped like the API's responses (the generated types keep them honest).
import type { CustomFieldRead, TagRead } from '../../api/types';

let serial = 0;

export function fieldDef(key: string, fieldType: CustomFieldRead['field_type'], extra: Partial<CustomFieldRead> = {}): CustomFieldRead {
  serial += 1;
  return {
    id: `0192f0b4-0000-7000-8000-${String(serial).padStart(12, '0')}`,
    object_type: 'customer',
    key,
    label: { en: key.charAt(0).toUpperCase() + key.slice(1), zh: key },
    field_type: fieldType,
    options: [],
    required: false,
    validation: {},
    description: null,
    position: serial,
    active: true,
    version: 1,
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
    ...extra,
  };
}

export function tag(name: string, color: string): TagRead {
  serial += 1;
  return {
    id: `0192f0b4-0000-7000-9000-${String(serial).padStart(12, '0')}`,
    object_type: 'customer',
    name,
    color,
    description: null,
    version: 1,
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
  };
}

export const page = <T,>(items: T[]) => ({ items, next_cursor: null, total: items.length });

export const CUSTOMER = {
  id: '0192f0b4-0000-7000-8000-000000000042',
  kind: 'company',
  name: 'Acme Trading',
  phone: null,
  phone_e164: null,
  email: 'info@acme.test',
  province: null,
  city: 'Shanghai',
  district: null,
  address: null,
  industry: 'retail',
  source: null,
  tags: ['VIP', 'Expo'],
  notes: null,
  owner_id: '00000000-0000-0000-0000-000000000001',
  department_id: null,
  version: 3,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-02T00:00:00Z',
  custom_fields: { region: 'east', budget: '1200.50', channels: ['email'] },
  completeness: { score: 40, missing: ['phone', 'cf.since'] },
};
