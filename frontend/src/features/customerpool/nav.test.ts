import { describe, expect, it } from 'vitest';
import { visibleNavigation, type NavItem } from '../../layout/nav';

function group(items: NavItem[], key: string) {
  const found = items.find((item) => 'children' in item && item.key === key);
  return found && 'children' in found ? found.children.map((child) => child.path) : [];
}

describe('customer pool navigation', () => {
  it('puts the pool in the sales group for customer readers and its rules in admin for admin:settings', () => {
    const reader = visibleNavigation((p) => p === 'customers:read');
    expect(group(reader, 'sales')).toContain('/customer-pool');
    expect(group(reader, 'admin')).not.toContain('/admin/customer-pool');
    const admin = visibleNavigation((p) => ['customers:read', 'admin:settings'].includes(p));
    expect(group(admin, 'admin')).toContain('/admin/customer-pool');
  });
});
