import { Navigate, type RouteObject } from 'react-router';
import { NotFound } from './components/NotFound';
import { DepartmentsPage } from './features/admin/departments/DepartmentsPage';
import { RolesPage } from './features/admin/roles/RolesPage';
import { UsersPage } from './features/admin/users/UsersPage';
import { useAuth } from './features/auth/AuthContext';
import { LoginPage } from './features/auth/LoginPage';
import { guarded } from './features/auth/guarded';
import { RequireAuth } from './features/auth/RequireAuth';
import { FEATURE_MODULES } from './features/modules';
import { ContactListPage } from './features/contacts/ContactListPage';
import { CustomerDetailPage } from './features/customers/CustomerDetailPage';
import { EditCustomerPage, NewCustomerPage } from './features/customers/CustomerFormPage';
import { CustomerListPage } from './features/customers/CustomerListPage';
import { ImportPage } from './features/imports/ImportPage';
import { ImportListPage } from './features/imports/ImportListPage';
import { DuplicatesPage } from './features/duplicates/DuplicatesPage';
import { MergePage } from './features/duplicates/MergePage';
import { MyTasksPage } from './features/tasks/MyTasksPage';
import { CustomFieldsPage } from './features/customfields/CustomFieldsPage';
import { TagsPage } from './features/customfields/TagsPage';
import { AppLayout } from './layout/AppLayout';
import { homePath } from './layout/nav';

function Home() {
  const { can } = useAuth();
  const path = homePath(can);
  return path ? <Navigate to={path} replace /> : <NotFound />;
}


export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  ...FEATURE_MODULES.flatMap((feature) => feature.publicRoutes ?? []),
  {
    path: '/',
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <Home /> },
      { path: 'customers', element: guarded('customers:read', <CustomerListPage />) },
      { path: 'customers/new', element: guarded('customers:write', <NewCustomerPage />) },
      { path: 'customers/:id', element: guarded('customers:read', <CustomerDetailPage />) },
      { path: 'customers/:id/edit', element: guarded('customers:write', <EditCustomerPage />) },
      { path: 'contacts', element: guarded('contacts:read', <ContactListPage />) },
      { path: 'customers/duplicates', element: guarded('customers:read', <DuplicatesPage />) },
      { path: 'customers/merge', element: guarded('customers:merge', <MergePage />) },
      { path: 'imports', element: guarded('customers:import', <ImportListPage />) },
      { path: 'imports/new', element: guarded('customers:import', <ImportPage />) },
      { path: 'tasks', element: guarded('tasks:read', <MyTasksPage />) },
      { path: 'admin/users', element: guarded('admin:users', <UsersPage />) },
      { path: 'admin/departments', element: guarded('admin:departments', <DepartmentsPage />) },
      { path: 'admin/roles', element: guarded('admin:roles', <RolesPage />) },
      { path: 'admin/custom-fields', element: guarded('admin:settings', <CustomFieldsPage />) },
      { path: 'admin/tags', element: guarded('tags:write', <TagsPage />) },
      ...FEATURE_MODULES.flatMap((feature) => feature.routes),
      { path: '*', element: <NotFound /> },
    ],
  },
];
