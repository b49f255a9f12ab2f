import { AuditOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { page } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { approvalsLocales } from './locales';

export const approvalsModule: FeatureModule = {
  name: 'approvals',
  locales: approvalsLocales,
  routes: [
    // Every signed-in user sees their own requests (and approvers their inbox): no permission needed.
    page('approvals', null, () => import('./ApprovalsPage').then((m) => m.ApprovalsPage)),
    page('admin/approval-policies', 'admin:settings', () => import('./ApprovalPoliciesPage').then((m) => m.ApprovalPoliciesPage)),
  ],
  nav: [
    { path: '/approvals', labelKey: 'approvals.nav', icon: <AuditOutlined />, permission: 'quotes:read', placement: 'sales', order: 80 },
    { path: '/admin/approval-policies', labelKey: 'approvals.policies.nav', icon: <SafetyCertificateOutlined />, permission: 'admin:settings', placement: 'admin', order: 70 },
  ],
};
