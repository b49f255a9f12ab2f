import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, emptyPage, json, meResponse, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { CUSTOMER, fieldDef, page, tag } from './fixtures';

const FIELDS = [
  fieldDef('region', 'select', { options: [{ value: 'east', label: { en: 'East China', zh: '华东' } }, { value: 'west' }], required: true }),
  fieldDef('budget', 'decimal'),
  fieldDef('channels', 'multi_select', { options: [{ value: 'email' }, { value: 'wechat' }] }),
  fieldDef('since', 'date'),
  fieldDef('retired', 'text', { active: false }),
];
const TAGS = [tag('VIP', '#ff0000'), tag('Expo', '#00aa00')];

function formItemOf(label: string): HTMLElement {
  return screen.getByLabelText(label).closest('.ant-form-item') as HTMLElement;
}

function stubCustomerApi(extra: Parameters<typeof stubFetch>[0] = () => undefined) {
  return stubFetch((request) => {
    const answer = extra(request);
    if (answer) return answer;
    if (request.path === '/api/v1/auth/me') return json(meResponse([...ALL_PERMISSIONS, 'admin:settings', 'tags:write']));
    if (request.path === '/api/v1/custom-fields') return json(page(FIELDS));
    if (request.path === '/api/v1/tags') return json(page(TAGS));
    if (request.path === '/api/v1/users') return json(emptyPage);
    return undefined;
  });
}

describe('custom fields on customers', () => {
  it('renders the active fields in the form and maps the server errors onto them', async () => {
    const requests = stubCustomerApi((request) => {
      if (request.path === '/api/v1/customers' && request.method === 'POST')
        return json(
          {
            type: 'about:blank',
            title: 'Unprocessable Entity',
            status: 422,
            detail: 'Invalid custom field value(s): budget.',
            errors: [{ loc: ['body', 'custom_fields', 'budget'], msg: 'At most 2 decimal places.', type: 'value_error' }],
          },
          422,
        );
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/customers/new');

    await user.type(await screen.findByLabelText('Name'), 'Globex');
    expect(await screen.findByLabelText('Budget')).toBeInTheDocument();
    expect(screen.queryByLabelText('Retired')).not.toBeInTheDocument(); // inactive: not offered
    // A required field is checked before anything is sent.
    await user.click(screen.getByTestId('customer-submit'));
    await waitFor(() => expect(formItemOf('Region')).toHaveTextContent('Required'));
    expect(requests.some((r) => r.method === 'POST')).toBe(false);

    await user.click(screen.getByLabelText('Region'));
    await user.click(await screen.findByTitle('East China'));
    await user.type(screen.getByLabelText('Budget'), '12.345');
    await user.click(screen.getByTestId('customer-submit'));

    await waitFor(() => expect(formItemOf('Budget')).toHaveTextContent('At most 2 decimal places.'));
    expect(formItemOf('Budget')).toHaveClass('ant-form-item-has-error');
    expect(screen.queryByTestId('form-error')).not.toBeInTheDocument();
    const post = requests.find((request) => request.method === 'POST')!;
    expect(JSON.parse(post.body)).toEqual({
      kind: 'company',
      name: 'Globex',
      tags: [],
      custom_fields: { region: 'east', budget: '12.345' },
    });
  });

  it('sends cleared custom values as null on edit', async () => {
    const requests = stubCustomerApi((request) => {
      if (request.path === `/api/v1/customers/${CUSTOMER.id}` && request.method === 'GET') return json(CUSTOMER);
      if (request.path === `/api/v1/customers/${CUSTOMER.id}` && request.method === 'PATCH') return json(CUSTOMER);
      return undefined;
    });
    const user = userEvent.setup();
    renderApp(`/customers/${CUSTOMER.id}/edit`);
    // Generous waits: the edit page loads the customer and the field definitions first, which
    // takes more than the default second on a busy machine.
    const budget = await screen.findByLabelText('Budget', undefined, { timeout: 5000 });
    await waitFor(() => expect(budget).toHaveValue('1200.50'), { timeout: 5000 });
    await user.clear(budget);
    await user.click(screen.getByTestId('customer-submit'));
    await waitFor(() => expect(requests.some((r) => r.method === 'PATCH')).toBe(true), { timeout: 5000 });
    const patch = requests.find((request) => request.method === 'PATCH')!;
    expect(JSON.parse(patch.body).custom_fields).toEqual({ region: 'east', budget: null, channels: ['email'], since: null });
  });

  it('shows the values, the completeness score and the missing fields on the detail page', async () => {
    stubCustomerApi((request) => {
      if (request.path === `/api/v1/customers/${CUSTOMER.id}`) return json(CUSTOMER);
      if (request.path === `/api/v1/customers/${CUSTOMER.id}/contacts`) return json(emptyPage);
      return undefined;
    });
    renderApp(`/customers/${CUSTOMER.id}`);
    const values = await screen.findByTestId('custom-field-values', undefined, { timeout: 5000 });
    expect(within(values).getByText('East China')).toBeInTheDocument(); // the option's label
    expect(within(values).getByText('1200.50')).toBeInTheDocument();
    expect(within(values).getByText('email')).toBeInTheDocument();
    const completeness = screen.getByTestId('completeness');
    expect(completeness).toHaveTextContent('40');
    expect(within(completeness).getByTestId('missing-phone')).toHaveTextContent('Phone');
    expect(within(completeness).getByTestId('missing-cf.since')).toHaveTextContent('Since');
    // Tags in the catalogue's colours.
    await waitFor(() => expect(screen.getByTestId('tag-VIP')).toHaveStyle({ color: 'rgb(255, 0, 0)' }));
  });
});

describe('tags on the customer list', () => {
  it('filters by tag and tags the filtered customers in bulk', async () => {
    const requests = stubCustomerApi((request) => {
      if (request.path === '/api/v1/customers' && request.method === 'GET') return json(page([CUSTOMER]));
      if (request.path === '/api/v1/customers/bulk-tag') return json({ affected: 7 });
      return undefined;
    });
    const user = userEvent.setup();
    const { router } = renderApp('/customers?q=acme&tag=VIP');
    expect(await screen.findByText('Acme Trading', undefined, { timeout: 5000 })).toBeInTheDocument();
    const list = requests.find((request) => request.path === '/api/v1/customers' && request.method === 'GET')!;
    expect(list.url.searchParams.get('tag')).toBe('VIP');
    expect(list.url.searchParams.get('q')).toBe('acme');
    await waitFor(() => expect(within(screen.getByTestId('customer-table')).getByTestId('tag-Expo')).toHaveStyle({ color: 'rgb(0, 170, 0)' }));

    await user.click(screen.getByTestId('bulk-tag'));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('every customer the current filters match');
    await user.click(within(dialog).getByTestId('bulk-tag-apply'));
    expect(await within(dialog).findByText('Choose tags to add or to remove')).toBeInTheDocument();

    await user.type(within(dialog).getByRole('combobox', { name: 'Add tags' }), 'Hot{enter}');
    await user.click(within(dialog).getByTestId('bulk-tag-apply'));
    expect(await screen.findByText('7 customers updated')).toBeInTheDocument();
    const bulk = requests.find((request) => request.path === '/api/v1/customers/bulk-tag')!;
    expect(JSON.parse(bulk.body)).toEqual({ filter: { q: 'acme', tag: 'VIP' }, add: ['Hot'], remove: [] });
    expect(router.state.location.search).toBe('?q=acme&tag=VIP');
  });
});
