import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, meResponse, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { fieldDef, page, tag } from './fixtures';

const ADMIN = ['customers:read', 'contacts:read', 'admin:settings', 'tags:write'];
const RULES = { object_type: 'customer', rules: [{ field: 'phone', weight: 2 }], is_default: true, standard_fields: ['phone', 'email'] };

describe('custom field administration', () => {
  it('creates a choice field with its options', async () => {
    const requests = stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(ADMIN));
      if (request.path === '/api/v1/custom-fields' && request.method === 'GET') return json(page([]));
      if (request.path === '/api/v1/custom-fields' && request.method === 'POST') return json(fieldDef('region', 'select'), 201);
      if (request.path.startsWith('/api/v1/completeness-rules/')) return json(RULES);
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/admin/custom-fields');
    await user.click(await screen.findByTestId('new-custom-field', undefined, { timeout: 5000 }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByTestId('custom-field-key'), 'region');
    await user.type(within(dialog).getByTestId('custom-field-label-zh'), '区域');
    await user.click(within(dialog).getByLabelText('Type'));
    await user.click(await screen.findByTitle('Single choice'));
    await user.click(await within(dialog).findByTestId('add-option'));
    await user.type(within(dialog).getByTestId('option-value-0'), 'east');
    await user.click(within(dialog).getByTestId('custom-field-required'));
    await user.click(within(dialog).getByTestId('custom-field-save'));

    await waitFor(() => expect(requests.some((r) => r.method === 'POST')).toBe(true));
    const post = requests.find((request) => request.method === 'POST')!;
    expect(JSON.parse(post.body)).toEqual({
      object_type: 'customer',
      key: 'region',
      field_type: 'select',
      label: { en: null, zh: '区域' },
      options: [{ value: 'east' }],
      required: true,
      active: true,
      description: null,
      validation: {},
    });
  });

  it('defines deal fields on the Deals tab, with the deal standard fields in the completeness rules', async () => {
    const requests = stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(ADMIN));
      if (request.path === '/api/v1/custom-fields' && request.method === 'GET') return json(page([]));
      if (request.path === '/api/v1/custom-fields' && request.method === 'POST') return json(fieldDef('budget', 'text'), 201);
      if (request.path === '/api/v1/completeness-rules/deal')
        return json({ object_type: 'deal', rules: [{ field: 'expected_close_date', weight: 2 }], is_default: true, standard_fields: ['amount', 'expected_close_date'] });
      if (request.path.startsWith('/api/v1/completeness-rules/')) return json(RULES);
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/admin/custom-fields');
    await user.click(await screen.findByRole('tab', { name: 'Deals' }, { timeout: 5000 }));
    await waitFor(() => expect(requests.some((r) => r.path === '/api/v1/completeness-rules/deal')).toBe(true), { timeout: 5000 });
    expect(requests.some((r) => r.path === '/api/v1/custom-fields' && r.url.searchParams.get('object_type') === 'deal')).toBe(true);
    expect(await screen.findByText('Expected close', undefined, { timeout: 5000 })).toBeInTheDocument();

    await user.click(screen.getByTestId('new-custom-field'));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByTestId('custom-field-key'), 'budget');
    await user.type(within(dialog).getByTestId('custom-field-label-zh'), '预算');
    await user.click(within(dialog).getByTestId('custom-field-save'));
    await waitFor(() => expect(requests.some((r) => r.method === 'POST')).toBe(true));
    expect(JSON.parse(requests.find((r) => r.method === 'POST')!.body)).toMatchObject({ object_type: 'deal', key: 'budget' });
  });

  it('shows a 409 from the server in the dialog and reorders fields', async () => {
    const fields = [fieldDef('first', 'text'), fieldDef('second', 'number')];
    const requests = stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(ADMIN));
      if (request.path === '/api/v1/custom-fields' && request.method === 'GET') return json(page(fields));
      if (request.path === '/api/v1/custom-fields/reorder') return json([fields[1], fields[0]]);
      if (request.path === `/api/v1/custom-fields/${fields[0].id}` && request.method === 'PATCH')
        return json(
          {
            type: 'about:blank',
            title: 'Conflict',
            status: 409,
            detail: 'Option(s) still used by stored records: east.',
            errors: [{ loc: ['body', 'options'], msg: 'In use.', type: 'value_error' }],
          },
          409,
        );
      if (request.path.startsWith('/api/v1/completeness-rules/')) return json(RULES);
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/admin/custom-fields');
    const table = await screen.findByTestId('custom-field-table-customer', undefined, { timeout: 5000 });
    await within(table).findByText('First');

    await user.click(within(table).getByTestId('move-down-0'));
    await waitFor(() => expect(requests.some((r) => r.path === '/api/v1/custom-fields/reorder')).toBe(true));
    const reorder = requests.find((request) => request.path === '/api/v1/custom-fields/reorder')!;
    expect(JSON.parse(reorder.body)).toEqual({ object_type: 'customer', ids: [fields[1].id, fields[0].id] });

    await user.click(within(table).getByTestId('edit-field-first'));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('custom-field-key')).toBeDisabled();
    await user.click(within(dialog).getByTestId('custom-field-save'));
    expect(await within(dialog).findByTestId('form-error')).toHaveTextContent('Option(s) still used by stored records: east.');
    const patch = requests.find((request) => request.method === 'PATCH')!;
    expect(JSON.parse(patch.body)).toMatchObject({ version: 1, label: { en: 'First', zh: 'first' } });
    expect(JSON.parse(patch.body)).not.toHaveProperty('key');
  });
});

describe('tag administration', () => {
  it('lists tags in their colours and creates one', async () => {
    const requests = stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(ADMIN));
      if (request.path === '/api/v1/tags' && request.method === 'GET') return json(page([tag('VIP', '#ff0000')]));
      if (request.path === '/api/v1/tags' && request.method === 'POST') return json(tag('Expo', '#1677ff'), 201);
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/admin/tags');
    const table = await screen.findByTestId('tag-table', undefined, { timeout: 5000 });
    await waitFor(() => expect(within(table).getByText('VIP')).toHaveStyle({ color: 'rgb(255, 0, 0)' }));

    await user.click(screen.getByTestId('new-tag'));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByTestId('tag-name'), ' Expo ');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(requests.some((r) => r.method === 'POST')).toBe(true));
    const post = requests.find((request) => request.method === 'POST')!;
    expect(JSON.parse(post.body)).toEqual({ name: 'Expo', color: '#1677ff', description: null, object_type: 'customer' });
  });

  it('is reachable from the Admin menu by a manager (tags:write) but not custom fields', async () => {
    stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(['customers:read', 'tags:write']));
      if (request.method === 'GET') return json(page([]));
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/customers');
    const nav = await screen.findByTestId('side-nav');
    await user.click(within(nav).getByTestId('nav-admin'));
    expect(await within(nav).findByText('Tags')).toBeInTheDocument();
    expect(within(nav).queryByText('Custom fields')).not.toBeInTheDocument();
  });
});
