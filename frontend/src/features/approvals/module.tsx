import { AuditOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { guarded } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { ApprovalPoliciesPage } from './ApprovalPoliciesPage';
import { ApprovalsPage } from './ApprovalsPage';

export const approvalsModule: FeatureModule = {
  routes: [
    // Every signed-in user sees their own requests (and approvers their inbox): no permission needed.
    { path: 'approvals', element: <ApprovalsPage /> },
    { path: 'admin/approval-policies', element: guarded('admin:settings', <ApprovalPoliciesPage />) },
  ],
  nav: [
    { path: '/approvals', labelKey: 'approvals.nav', icon: <AuditOutlined />, permission: 'quotes:read', placement: 'sales' },
    { path: '/admin/approval-policies', labelKey: 'approvals.policies.nav', icon: <SafetyCertificateOutlined />, permission: 'admin:settings', placement: 'admin' },
  ],
};
