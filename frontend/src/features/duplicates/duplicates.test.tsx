import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, json, meResponse, problem, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';

const PERMISSIONS = [...ALL_PERMISSIONS, 'customers:merge'];

function customer(id: string, fields: Record<string, unknown> = {}) {
  return {
    id,
    kind: 'company',
    name: `Customer ${id.slice(-2)}`,
    phone: null,
    phone_e164: null,
    email: null,
    province: null,
    city: null,
    district: null,
    address: null,
    industry: null,
    source: null,
    tags: [],
    notes: null,
    owner_id: '00000000-0000-0000-0000-000000000001',
    department_id: null,
    merged_into_id: null,
    version: 1,
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-02T00:00:00Z',
    ...fields,
  };
}

const A = customer('0192f0b4-0000-7000-8000-0000000000a1', { name: 'Northwind Traders Ltd.', phone: '138 0013 8000', tags: ['vip'] });
const B = customer('0192f0b4-0000-7000-8000-0000000000b2', {
  name: 'Northwind Traders Co., Ltd.',
  email: 'buyer@northwind.cn',
  industry: 'logistics',
  tags: ['vip', 'reseller'],
});

describe('possible duplicates on the customer form', () => {
  it('asks once typing pauses and links the candidates, with the hidden-match warning', async () => {
    const requests = stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(PERMISSIONS));
      if (request.path === '/api/v1/customers/duplicates/check') {
        return json({ candidates: [{ customer: A, score: 100, reasons: ['phone', 'name'] }], hidden_matches: true });
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/customers/new');
    await user.type(await screen.findByLabelText('Name'), 'Northwind');
    await user.type(screen.getByLabelText('Phone'), '13800138000');

    const checks = () => requests.filter((r) => r.path === '/api/v1/customers/duplicates/check');
    // Debounced: the phone arrives in a later request, with everything typed so far.
    await waitFor(() => expect(checks().some((r) => r.url.searchParams.get('phone'))).toBe(true), { timeout: 3000 });
    const last = checks()[checks().length - 1].url.searchParams;
    expect(last.get('name')).toBe('Northwind');
    expect(last.get('phone')).toBe('13800138000');
    expect(last.get('kind')).toBe('company');
    expect(checks().length).toBeLessThan(5); // not one request per keystroke

    const box = await screen.findByTestId('possible-duplicates');
    const link = within(box).getByRole('link', { name: 'Northwind Traders Ltd.' });
    expect(link).toHaveAttribute('href', `/customers/${A.id}`);
    expect(within(box).getByText('phone')).toBeInTheDocument();
    expect(screen.getByTestId('hidden-matches')).toHaveTextContent('outside your data scope');

  });
});

describe('merge screen', () => {
  it('sends the field choices, shows the result and undoes it', async () => {
    let merged = false;
    const requests = stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(PERMISSIONS));
      if (request.path === `/api/v1/customers/${A.id}`) return json(A);
      // Once merged, B is in the recycle bin: the page must keep showing the result.
      if (request.path === `/api/v1/customers/${B.id}`) return merged ? problem(404, 'No such customer.') : json(B);
      if (request.path === '/api/v1/customers/merge' && request.method === 'POST') {
        merged = true;
        return json({ audit_id: 'audit-1', survivor: { ...A, name: B.name }, merged_ids: [B.id], moved: { 'contacts.customer_id': 2 } });
      }
      if (request.path === '/api/v1/customers/merge/audit-1/undo') {
        return json({ survivor: A, restored_ids: [B.id], moved_back: { 'contacts.customer_id': 2 } });
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp(`/customers/merge?ids=${A.id},${B.id}`);

    await screen.findByTestId('merge-table');
    // Defaults: the survivor's value where it has one, else the other record's.
    expect(screen.getByTestId(`choose-phone-${A.id}`)).toBeChecked();
    expect(screen.getByTestId(`choose-email-${B.id}`)).toBeChecked();
    expect(screen.getByTestId(`choose-name-${A.id}`)).toBeChecked();
    await user.click(screen.getByTestId(`choose-name-${B.id}`));
    expect(screen.getByTestId(`choose-name-${B.id}`)).toBeChecked();

    await user.click(screen.getByTestId('merge-submit'));
    await user.click(await screen.findByTestId('confirm-merge'));
    expect(await screen.findByTestId('merge-done')).toHaveTextContent('Merged into Northwind Traders Co., Ltd.');
    expect(screen.getByTestId('merge-done')).toHaveTextContent('contacts 2');

    const post = requests.find((r) => r.path === '/api/v1/customers/merge')!;
    const body = JSON.parse(post.body);
    expect(body).toMatchObject({ survivor_id: A.id, merged_ids: [B.id], survivor_version: 1 });
    expect(body.fields).toMatchObject({ name: B.id, phone: A.id, email: B.id, industry: B.id });

    await user.click(screen.getByTestId('undo-merge'));
    expect(await screen.findByTestId('merge-undone')).toBeInTheDocument();
    expect(requests.some((r) => r.method === 'POST' && r.path === '/api/v1/customers/merge/audit-1/undo')).toBe(true);
  });

  it('switching the survivor resets the choices to its values', async () => {
    stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(PERMISSIONS));
      if (request.path === `/api/v1/customers/${A.id}`) return json(A);
      if (request.path === `/api/v1/customers/${B.id}`) return json(B);
      return undefined;
    });
    const user = userEvent.setup();
    renderApp(`/customers/merge?ids=${A.id},${B.id}`);
    await screen.findByTestId('merge-table');
    await user.click(screen.getByTestId(`survivor-${B.id}`));
    expect(screen.getByTestId(`choose-name-${B.id}`)).toBeChecked();
    expect(screen.getByTestId(`choose-phone-${A.id}`)).toBeChecked(); // B has no phone
  });
});

describe('duplicates page', () => {
  it('starts a scan, follows the job and lists the groups', async () => {
    let scanned = false;
    let polls = 0;
    stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(PERMISSIONS));
      if (request.path === '/api/v1/customers/duplicates/scan') {
        scanned = true;
        return json({ job_id: 'job-1' }, 202);
      }
      if (request.path === '/api/v1/jobs/job-1') {
        polls += 1;
        const done = polls > 1;
        return json({
          id: 'job-1',
          kind: 'customers.duplicate_scan',
          status: done ? 'succeeded' : 'running',
          progress: done ? 100 : 30,
          total: 100,
          done: done ? 100 : 30,
          result: done ? { scanned: 7, groups: 1, customers: 2 } : null,
          error: null,
          created_by: null,
          created_at: '2025-01-01T00:00:00Z',
          started_at: null,
          finished_at: null,
        });
      }
      if (request.path === '/api/v1/customers/duplicates') {
        const items = scanned
          ? [
              {
                id: 'group-1',
                score: 100,
                reasons: ['phone'],
                job_id: 'job-1',
                created_at: '2025-01-01T00:00:00Z',
                members: [
                  { customer: A, score: 100, reasons: ['phone'] },
                  { customer: B, score: 100, reasons: ['phone'] },
                ],
              },
            ]
          : [];
        return json({ items, next_cursor: null, total: items.length });
      }
      return undefined;
    });
    const user = userEvent.setup();
    const { router } = renderApp('/customers/duplicates');
    expect(await screen.findByText('No duplicates found (among the customers you may see).')).toBeInTheDocument();

    await user.click(screen.getByTestId('start-scan'));
    expect(await screen.findByTestId('scan-running')).toBeInTheDocument();
    expect(await screen.findByTestId('scan-done', {}, { timeout: 4000 })).toHaveTextContent('1 groups among 7 customers');
    const group = await screen.findByTestId('duplicate-group');
    expect(within(group).getByText('Northwind Traders Ltd.')).toBeInTheDocument();

    await user.click(within(group).getByTestId('merge-group'));
    await waitFor(() => expect(router.state.location.pathname).toBe('/customers/merge'));
    expect(router.state.location.search).toBe(`?ids=${A.id},${B.id}`);
  });

  it('offers no scan or merge without customers:merge', async () => {
    stubFetch((request) => {
      if (request.path === '/api/v1/auth/me') return json(meResponse(['customers:read']));
      if (request.path === '/api/v1/customers/duplicates') return json({ items: [], next_cursor: null, total: 0 });
      return undefined;
    });
    renderApp('/customers/duplicates');
    expect(await screen.findByText('Duplicate customers')).toBeInTheDocument();
    expect(screen.queryByTestId('start-scan')).not.toBeInTheDocument();
  });
});
