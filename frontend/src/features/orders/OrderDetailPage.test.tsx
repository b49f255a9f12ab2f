import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, meResponse, problem, stubFetch, type RecordedRequest } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { CONTRACTS_RW, CUSTOMER, SLOW, order, plan } from '../contracts/testData';

const PAYMENT = { id: 'p1', order_id: 'o1', instalment_id: 'i1', amount: '50.00', received_at: '2026-02-10T04:00:00Z', method: 'cash', reference: null, recorded_by: null, created_at: '2026-02-10T04:00:00Z' };

function stubOrder(extra: (r: RecordedRequest) => Response | undefined = () => undefined, opts: { payments?: unknown[]; plan?: unknown } = {}) {
  return stubFetch((request) => {
    const found = extra(request);
    if (found) return found;
    const { method, path } = request;
    if (path === '/api/v1/auth/me') return json(meResponse(CONTRACTS_RW));
    if (path === '/api/v1/customers/c1') return json(CUSTOMER);
    if (path === '/api/v1/orders/o1' && method === 'GET') return json(order('o1'));
    if (path === '/api/v1/orders/o1/payment-plan' && method === 'GET') return json(opts.plan ?? plan('o1'));
    if (path === '/api/v1/orders/o1/payments' && method === 'GET') return json(opts.payments ?? []);
    if (path === '/api/v1/orders/o1/portal-links' && method === 'GET') return json([]);
    return undefined;
  });
}

describe('the order detail page', () => {
  it('edits the payment plan with a live difference on exact cents, sends PUT and shows a 422', async () => {
    const requests = stubOrder(({ method, path }) =>
      method === 'PUT' && path === '/api/v1/orders/o1/payment-plan'
        ? problem(422, 'The instalments sum to 300.01, not to the order total 300.00.', {
            errors: [{ loc: ['body', 'payment_plan'], msg: 'The instalments sum to 300.01, not to the order total 300.00.', type: 'value_error' }],
          })
        : undefined,
    );
    const user = userEvent.setup();
    renderApp('/orders/o1');

    expect(await screen.findByTestId('order-status', undefined, SLOW)).toHaveTextContent('Awaiting payment');
    expect(screen.getByTestId('order-lines-total')).toHaveTextContent('300.00');
    await user.click(await screen.findByTestId('order-plan-edit', undefined, SLOW));
    expect(screen.getByTestId('order-plan-difference')).toHaveTextContent('add up to the total');

    const amount = screen.getByTestId('order-plan-amount');
    await user.clear(amount);
    await user.type(amount, '100.10');
    // 300.00 − 100.10: floats would give 199.89999…
    expect(screen.getByTestId('order-plan-difference')).toHaveTextContent('199.90 CNY still to plan');

    await user.click(screen.getByTestId('order-plan-add'));
    const amounts = screen.getAllByTestId('order-plan-amount');
    expect(amounts[1]).toHaveValue('199.90');
    expect(screen.getByTestId('order-plan-difference')).toHaveTextContent('add up to the total');
    await user.clear(amounts[1]);
    await user.type(amounts[1], '199.91');
    expect(screen.getByTestId('order-plan-difference')).toHaveTextContent('0.01 CNY more than the total');

    await user.click(screen.getByTestId('order-plan-save'));
    expect(await screen.findByTestId('form-error', undefined, SLOW)).toHaveTextContent('The instalments sum to 300.01');
    const put = requests.find((r) => r.method === 'PUT');
    expect(JSON.parse(put!.body)).toEqual({
      instalments: [
        { kind: 'final', due_date: '2026-03-01', amount: '100.10' },
        { kind: 'instalment', due_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), amount: '199.91' },
      ],
    });
  });

  it('records a payment with the amount as a string; an overpayment 422 is shown and nothing changes', async () => {
    let attempts = 0;
    const requests = stubOrder(
      ({ method, path }) => {
        if (method === 'POST' && path === '/api/v1/orders/o1/payments') {
          attempts += 1;
          const msg = 'The instalment has 250.00 CNY outstanding; 300.00 would overpay it.';
          if (attempts === 1) return problem(422, msg, { errors: [{ loc: ['body', 'amount'], msg, type: 'value_error' }], outstanding: '250.00' });
          return json({ ...PAYMENT, id: 'p2', amount: '250.00' }, 201);
        }
        return undefined;
      },
      { payments: [PAYMENT], plan: plan('o1', { paid: '50.00', outstanding: '250.00', instalments: [{ id: 'i1', position: 1, kind: 'final', due_date: '2026-03-01', amount: '300.00', paid_amount: '50.00', outstanding: '250.00' }] }) },
    );
    const user = userEvent.setup();
    renderApp('/orders/o1');

    expect(await screen.findByTestId('order-paid-amount', undefined, SLOW)).toHaveTextContent('50.00');
    expect(await screen.findAllByTestId('order-payment-row', undefined, SLOW)).toHaveLength(1);
    // A plan with payments can no longer be replaced.
    expect(screen.queryByTestId('order-plan-edit')).not.toBeInTheDocument();

    await user.click(screen.getByTestId('order-payment-add'));
    const amount = await screen.findByTestId('order-payment-amount');
    expect(amount).toHaveValue('250.00');
    await user.clear(amount);
    await user.type(amount, '300.00');
    await user.type(screen.getByTestId('order-payment-reference'), 'TX-1');
    await user.click(screen.getByTestId('order-payment-submit'));

    expect(await screen.findByText('The instalment has 250.00 CNY outstanding; 300.00 would overpay it.', undefined, SLOW)).toBeInTheDocument();
    const post = JSON.parse(requests.find((r) => r.method === 'POST')!.body);
    expect(post).toMatchObject({ instalment_id: 'i1', amount: '300.00', reference: 'TX-1' });
    expect(typeof post.amount).toBe('string');
    expect(post.received_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // Nothing changed: the dialog stays open, the paid figure and the payments are as before.
    expect(screen.getByTestId('order-payment-submit')).toBeInTheDocument();
    expect(screen.getByTestId('order-paid-amount')).toHaveTextContent('50.00');
    expect(screen.getAllByTestId('order-payment-row')).toHaveLength(1);
    expect(requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/orders/o1/payments')).toHaveLength(1);
  });

  it('creates a portal link and shows its full page URL once', async () => {
    const requests = stubOrder(({ method, path }) => {
      if (method === 'POST' && path === '/api/v1/orders/o1/portal-links')
        return json(
          { id: 'l1', order_id: 'o1', expires_at: '2099-01-01T00:00:00Z', revoked_at: null, created_by: null, created_at: '2026-02-01T00:00:00Z', last_used_at: null, token: 'tok-secret', url: '/api/v1/portal/orders/tok-secret' },
          201,
        );
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/orders/o1');

    await user.click(await screen.findByTestId('order-portal-create', undefined, SLOW));
    const url = await screen.findByTestId('order-portal-url', undefined, SLOW);
    expect(url).toHaveTextContent(`${window.location.origin}/portal/orders/tok-secret`);
    expect(JSON.parse(requests.find((r) => r.method === 'POST')!.body)).toEqual({});
    // The list that reloads afterwards carries no token; closing the notice hides it for good.
    await user.click(within(url.closest('.ant-alert') as HTMLElement).getByRole('button', { name: /close/i }));
    await waitFor(() => expect(screen.queryByTestId('order-portal-url')).not.toBeInTheDocument());
    expect(screen.queryByText(/tok-secret/)).not.toBeInTheDocument();
  });
});
