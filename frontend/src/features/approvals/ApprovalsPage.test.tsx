import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, meResponse, problem, stubFetch, type RecordedRequest } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { approval, SLOW } from '../quotes/testData';
import { ALL_PERMISSIONS } from '../../test/fetchMock';

// Long user flows on a slow shared machine.
vi.setConfig({ testTimeout: 60_000 });

const APPROVER = [...ALL_PERMISSIONS, 'quotes:read', 'approvals:decide'];
const SELLER = [...ALL_PERMISSIONS, 'quotes:read', 'quotes:write'];
const ADMIN = [...ALL_PERMISSIONS, 'admin:settings', 'users:read'];

type Extra = (request: RecordedRequest) => Response | undefined;

function stubApprovals(permissions: string[], extra: Extra = () => undefined) {
  return stubFetch((request) => {
    const answer = extra(request);
    if (answer) return answer;
    if (request.path === '/api/v1/auth/me') return json(meResponse(permissions));
    if (request.path === '/api/v1/approvals') return json({ items: [approval('a1')], next_cursor: null, total: 1 });
    return undefined;
  });
}

const posts = (requests: RecordedRequest[], path: string) => requests.filter((r) => r.method === 'POST' && r.path === path).map((r) => JSON.parse(r.body));

describe('the approvals inbox', () => {
  it('shows what is asked and approves with the version, explaining a 409 when someone decided first', async () => {
    let calls = 0;
    const requests = stubApprovals(APPROVER, ({ method, path }) => {
      if (method === 'POST' && path === '/api/v1/approvals/a1/approve') {
        calls += 1;
        return calls === 1 ? problem(409, 'The request is approved already.', { approval_status: 'approved' }) : json(approval('a1', { status: 'approved' }));
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/approvals');

    const row = await screen.findByTestId('approval-row', undefined, SLOW);
    const list = requests.find((r) => r.path === '/api/v1/approvals')!;
    expect(Object.fromEntries(list.url.searchParams)).toMatchObject({ box: 'inbox', status: 'pending' });
    expect(within(row).getByTestId('approval-link')).toHaveAttribute('href', '/quotes/q1');
    expect(within(row).getByTestId('approval-discount')).toHaveTextContent('Discount 25 % (policy allows 15 %)');
    expect(within(row).getByTestId('approval-amount')).toHaveTextContent('170.00');

    await user.click(within(row).getByTestId('approval-approve'));
    await user.type(await screen.findByTestId('approval-comment'), 'OK for this customer');
    await user.click(screen.getByTestId('approval-decision-submit'));
    expect(await screen.findByTestId('approval-conflict', undefined, SLOW)).toHaveTextContent('Someone decided this request already');
    expect(screen.getByTestId('form-error')).toHaveTextContent('The request is approved already.');
    expect(posts(requests, '/api/v1/approvals/a1/approve')).toEqual([{ comment: 'OK for this customer', version: 1 }]);
    // The list is reloaded after the refusal.
    await waitFor(() => expect(requests.filter((r) => r.path === '/api/v1/approvals').length).toBeGreaterThan(1), SLOW);
  });

  it('rejects only with a reason', async () => {
    const requests = stubApprovals(APPROVER, ({ method, path }) =>
      method === 'POST' && path === '/api/v1/approvals/a1/reject' ? json(approval('a1', { status: 'rejected', comment: 'Too deep' })) : undefined,
    );
    const user = userEvent.setup();
    renderApp('/approvals');

    await user.click(await screen.findByTestId('approval-reject', undefined, SLOW));
    await user.click(await screen.findByTestId('approval-decision-submit'));
    expect(await screen.findByText('Please say why you reject it', undefined, SLOW)).toBeInTheDocument();
    expect(posts(requests, '/api/v1/approvals/a1/reject')).toHaveLength(0);

    await user.type(screen.getByTestId('approval-comment'), 'Too deep');
    await user.click(screen.getByTestId('approval-decision-submit'));
    expect(await screen.findByText('Rejected', { selector: '.ant-message *' }, SLOW)).toBeInTheDocument();
    expect(posts(requests, '/api/v1/approvals/a1/reject')).toEqual([{ comment: 'Too deep', version: 1 }]);
  });

  it('shows a requester their own requests without decision buttons', async () => {
    const requests = stubApprovals(SELLER);
    renderApp('/approvals');
    const row = await screen.findByTestId('approval-row', undefined, SLOW);
    expect(within(row).getByTestId('approval-status')).toHaveTextContent('Pending');
    expect(screen.queryByTestId('approval-approve')).not.toBeInTheDocument();
    expect(screen.queryByTestId('approval-reject')).not.toBeInTheDocument();
    expect(screen.queryByTestId('approval-tab-inbox')).not.toBeInTheDocument();
    expect(requests.find((r) => r.path === '/api/v1/approvals')!.url.searchParams.get('box')).toBe('requested');
  });
});

describe('the approval policies', () => {
  const POLICY = {
    key: 'quote_discount',
    object_type: 'quote',
    title: 'Quote discount above the threshold',
    approver_role: null,
    params: { discount_threshold_percent: '15' },
    params_schema: {
      properties: { discount_threshold_percent: { anyOf: [{ type: 'number' }, { type: 'string' }], default: '15', title: 'Discount Threshold Percent' } },
    },
    version: 2,
  };

  it('edits the threshold and the approver role, showing a 422 on the field', async () => {
    let calls = 0;
    const requests = stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(ADMIN));
      if (path === '/api/v1/approval-policies') return json([POLICY]);
      if (path === '/api/v1/roles') return json({ items: [{ id: 'r1', key: 'sales_manager', name: 'Sales manager' }], next_cursor: null });
      if (method === 'PUT' && path === '/api/v1/approval-policies/quote_discount') {
        calls += 1;
        if (calls === 1)
          return problem(422, 'The policy parameters are invalid.', {
            errors: [{ loc: ['body', 'params', 'discount_threshold_percent'], msg: 'Input should be less than or equal to 100', type: 'less_than_equal' }],
          });
        return json({ ...POLICY, version: 3 });
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/admin/approval-policies');

    const threshold = await screen.findByTestId('policy-param-discount_threshold_percent', undefined, SLOW);
    expect(threshold).toHaveValue('15');
    await user.clear(threshold);
    await user.type(threshold, '120');
    await user.click(within(screen.getByTestId('policy-approver-role')).getByRole('combobox'));
    await user.click(await screen.findByTitle('Sales manager (sales_manager)', undefined, SLOW));
    await user.click(screen.getByTestId('policy-save'));
    expect(await screen.findByText('Input should be less than or equal to 100', undefined, SLOW)).toBeInTheDocument();

    await user.clear(threshold);
    await user.type(threshold, '20');
    await user.click(screen.getByTestId('policy-save'));
    await waitFor(() => expect(calls).toBe(2), SLOW);
    const bodies = requests.filter((r) => r.method === 'PUT').map((r) => JSON.parse(r.body));
    expect(bodies[1]).toEqual({ approver_role: 'sales_manager', params: { discount_threshold_percent: '20' }, version: 2 });
  });
});
