import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, emptyPage, json, meResponse, stubFetch } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { visibleNavigation } from './nav';

function stubAs(permissions: string[]) {
  stubFetch((request) => {
    if (request.path === '/api/v1/auth/me') return json(meResponse(permissions));
    if (request.method === 'GET') return json(emptyPage);
    return undefined;
  });
}

describe('side navigation', () => {
  it('hides the Admin group from a user without admin permissions', async () => {
    stubAs(['customers:read', 'customers:write', 'contacts:read']);
    renderApp('/customers');
    const nav = await screen.findByTestId('side-nav');
    expect(within(nav).getByText('Customers')).toBeInTheDocument();
    expect(within(nav).getByText('Contacts')).toBeInTheDocument();
    expect(within(nav).queryByText('Admin')).not.toBeInTheDocument();
    expect(screen.queryByTestId('nav-admin')).not.toBeInTheDocument();
  });

  it('shows only the admin entries the user holds', async () => {
    stubAs(['customers:read', 'admin:users']);
    const user = userEvent.setup();
    renderApp('/customers');
    const nav = await screen.findByTestId('side-nav');
    expect(within(nav).queryByText('Contacts')).not.toBeInTheDocument();
    await user.click(within(nav).getByTestId('nav-admin'));
    expect(await within(nav).findByTestId('nav-users')).toHaveTextContent('Users');
    expect(within(nav).queryByText('Departments')).not.toBeInTheDocument();
    expect(within(nav).queryByText('Roles')).not.toBeInTheDocument();
  });

  it('shows the whole Admin group to an administrator', () => {
    const can = (permission: string) => ALL_PERMISSIONS.includes(permission);
    const admin = visibleNavigation(can).find((item) => 'children' in item && item.key === 'admin');
    expect(admin && 'children' in admin && admin.children.map((child) => child.path)).toEqual([
      '/admin/users',
      '/admin/departments',
      '/admin/roles',
      '/admin/field-permissions',
    ]);
  });

  it('answers an admin URL with not-found when the permission is missing', async () => {
    stubAs(['customers:read']);
    renderApp('/admin/users');
    expect(await screen.findByTestId('not-found')).toBeInTheDocument();
  });

  it('hides "New customer" without customers:write', async () => {
    stubAs(['customers:read']);
    renderApp('/customers');
    expect(await screen.findByTestId('customer-table')).toBeInTheDocument();
    expect(screen.queryByTestId('new-customer')).not.toBeInTheDocument();
  });
});
