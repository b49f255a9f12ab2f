import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { tokenStore } from '../../api/tokens';
import { App, createQueryClient } from '../../App';
import { json, meResponse, problem, stubFetch, type RecordedRequest } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { DealQuotes } from './DealQuotes';
import { approval, DEAL, PRODUCT, QUOTE_READER, quote, quoteLine, SELLER, SLOW } from './testData';

// Long user flows on a slow shared machine.
vi.setConfig({ testTimeout: 60_000 });

type Extra = (request: RecordedRequest) => Response | undefined;

function stubQuotes(permissions: string[], extra: Extra = () => undefined) {
  return stubFetch((request) => {
    const { method, path } = request;
    const answer = extra(request);
    if (answer) return answer;
    if (path === '/api/v1/auth/me') return json(meResponse(permissions));
    if (path === '/api/v1/deals/d1') return json(DEAL);
    if (path === '/api/v1/customers/c1') return json({ id: 'c1', name: 'Acme', customer_group: 'vip' });
    if (path === '/api/v1/products') return json({ items: [PRODUCT], next_cursor: null });
    if (path === '/api/v1/price-books') return json({ items: [], next_cursor: null });
    if (path === '/api/v1/price-lookup')
      return json({ product_id: 'p-1', currency: 'CNY', customer_group: 'vip', on: '2026-12-01', unit_price: '120.5000', price_book_id: 'pb1', price_book_name: 'VIP' });
    if (method === 'GET' && /^\/api\/v1\/quotes\/[^/]+\/revisions$/.test(path)) return json([quote(path.split('/')[4])]);
    return undefined;
  });
}

const bodies = (requests: RecordedRequest[], method: string, path: string) =>
  requests.filter((r) => r.method === method && r.path === path).map((r) => JSON.parse(r.body || 'null'));

async function pickProduct(user: ReturnType<typeof userEvent.setup>, index = 0) {
  const picker = screen.getAllByTestId('quote-line-product')[index];
  await user.type(within(picker).getByRole('combobox'), 'wid');
  await user.click(await screen.findByTitle('SKU-1 · Widget', undefined, SLOW));
}

describe('the quote editor', () => {
  it('adds a line from a product with the looked-up price, creates the quote and shows the server totals', async () => {
    const created = quote('q1', {
      lines: [quoteLine({ quantity: '3.000', list_unit_price: '120.5000', unit_price: '120.5000', line_total: '361.50' })],
      list_total: '361.50',
      subtotal: '361.50',
      tax_amount: '47.00',
      total: '408.50',
    });
    const requests = stubQuotes(SELLER, ({ method, path }) => {
      if (method === 'POST' && path === '/api/v1/quotes') return json(created, 201);
      if (method === 'GET' && path === '/api/v1/quotes/q1') return json(created);
      return undefined;
    });
    const user = userEvent.setup();
    const { router } = renderApp('/quotes/new?deal_id=d1');

    expect(await screen.findByTestId('quote-deal-link', undefined, SLOW)).toHaveTextContent('Acme rollout');
    await user.click(screen.getByTestId('quote-line-add'));
    await pickProduct(user);
    await waitFor(() => expect(screen.getByTestId('quote-line-price')).toHaveValue('120.5'), SLOW);
    const lookup = requests.find((r) => r.path === '/api/v1/price-lookup')!;
    expect(Object.fromEntries(lookup.url.searchParams)).toEqual({ product_id: 'p-1', currency: 'CNY', customer_group: 'vip' });
    expect(requests.some((r) => r.path === '/api/v1/products' && r.url.searchParams.get('q') === 'wid')).toBe(true);

    const quantity = screen.getByTestId('quote-line-quantity');
    await user.clear(quantity);
    await user.type(quantity, '3');
    await user.clear(screen.getByTestId('quote-tax'));
    await user.type(screen.getByTestId('quote-tax'), '13');
    await user.click(screen.getByTestId('quote-save'));

    await waitFor(() => expect(router.state.location.pathname).toBe('/quotes/q1'), SLOW);
    expect(bodies(requests, 'POST', '/api/v1/quotes')).toEqual([
      {
        deal_id: 'd1',
        discount_percent: '0',
        tax_rate_percent: '13',
        lines: [{ product_id: 'p-1', quantity: '3', unit_price: '120.5000', discount_percent: '0', description: 'Widget' }],
      },
    ]);
    expect(await screen.findByTestId('quote-total', undefined, SLOW)).toHaveTextContent('408.50');
    expect(screen.getByTestId('quote-subtotal')).toHaveTextContent('361.50');
    expect(screen.getByTestId('quote-tax-amount')).toHaveTextContent('47.00');
    expect(screen.getByTestId('quote-line-total')).toHaveTextContent('361.50');
    expect(screen.getByTestId('quote-status')).toHaveTextContent('Draft');
  });

  it('saves a line discount with the version, then submits into approval', async () => {
    let current = quote('q1', { version: 4 });
    const requests = stubQuotes(SELLER, ({ method, path }) => {
      if (method === 'GET' && path === '/api/v1/quotes/q1') return json(current);
      if (method === 'PATCH' && path === '/api/v1/quotes/q1') {
        current = quote('q1', {
          version: 5,
          lines: [quoteLine({ discount_percent: '25', line_total: '150.00' })],
          subtotal: '150.00',
          tax_amount: '19.50',
          total: '169.50',
          effective_discount_percent: '25.0000',
        });
        return json(current);
      }
      if (method === 'POST' && path === '/api/v1/quotes/q1/submit') {
        current = { ...current, status: 'pending_approval', version: 6, approval_id: 'a1' };
        return json(current);
      }
      if (path === '/api/v1/approvals/a1') return json(approval('a1', { approver_role: 'sales_manager', approver_user_id: null }));
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/quotes/q1');

    expect(await screen.findByTestId('quote-total', undefined, SLOW)).toHaveTextContent('226.00');
    const discount = screen.getByTestId('quote-line-discount');
    await user.clear(discount);
    await user.type(discount, '25');
    // With unsaved changes the totals are the last save's and the actions wait for a save.
    expect(screen.getByTestId('quote-unsaved')).toBeInTheDocument();
    expect(screen.getByTestId('quote-submit')).toBeDisabled();
    await user.click(screen.getByTestId('quote-save'));

    await waitFor(() => expect(screen.getByTestId('quote-total')).toHaveTextContent('169.50'), SLOW);
    expect(bodies(requests, 'PATCH', '/api/v1/quotes/q1')).toEqual([
      {
        price_book_id: null,
        valid_until: null,
        discount_percent: '0.00',
        tax_rate_percent: '13.00',
        notes: null,
        lines: [{ product_id: 'p-1', quantity: '2.000', unit_price: '100.0000', discount_percent: '25', description: 'Widget' }],
        version: 4,
      },
    ]);
    expect(screen.getByTestId('quote-effective-discount')).toHaveTextContent('25 %');

    await user.click(screen.getByTestId('quote-submit'));
    expect(await screen.findByTestId('quote-approval', undefined, SLOW)).toHaveTextContent('Awaiting approval');
    expect(screen.getByTestId('quote-status')).toHaveTextContent('Awaiting approval');
    expect(await screen.findByTestId('quote-approval-status', undefined, SLOW)).toHaveTextContent('Pending');
    expect(screen.getByTestId('quote-approval')).toHaveTextContent('holders of the role “sales_manager”');
    const submit = requests.find((r) => r.path === '/api/v1/quotes/q1/submit')!;
    expect(submit.headers.get('If-Match')).toBe('"5"');
    // A quote waiting for approval cannot be edited or submitted again.
    expect(screen.queryByTestId('quote-save')).not.toBeInTheDocument();
    expect(screen.queryByTestId('quote-submit')).not.toBeInTheDocument();
  });

  it('puts a 422 on the line it names', async () => {
    const requests = stubQuotes(SELLER, ({ method, path }) => {
      if (method === 'GET' && path === '/api/v1/quotes/q1') return json(quote('q1', { status: 'approved' }));
      if (method === 'PATCH' && path === '/api/v1/quotes/q1')
        return problem(422, 'The product has no CNY price in the price book.', {
          errors: [{ loc: ['body', 'lines', '0', 'product_id'], msg: 'The product has no CNY price in the price book.', type: 'value_error' }],
        });
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/quotes/q1');

    expect(await screen.findByText('Saving creates revision 2 (this one stays as sent/approved).', undefined, SLOW)).toBeInTheDocument();
    await user.type(screen.getByTestId('quote-notes'), 'x');
    await user.click(screen.getByTestId('quote-save'));
    const line = screen.getByTestId('quote-line');
    expect(await within(line).findByText('The product has no CNY price in the price book.', undefined, SLOW)).toBeInTheDocument();
    expect(screen.queryByTestId('form-error')).not.toBeInTheDocument();
    expect(bodies(requests, 'PATCH', '/api/v1/quotes/q1')).toHaveLength(1);
    // Still unsaved: the actions wait.
    expect(screen.getByTestId('quote-accept')).toBeDisabled();
  });

  it('shows a 409 of an action in words', async () => {
    stubQuotes(SELLER, ({ method, path }) => {
      if (method === 'GET' && path === '/api/v1/quotes/q1') return json(quote('q1', { status: 'approved' }));
      if (method === 'POST' && path === '/api/v1/quotes/q1/accept') return problem(409, 'Quote Q000007 of this deal is accepted already.');
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/quotes/q1');

    await user.click(await screen.findByTestId('quote-accept', undefined, SLOW));
    expect(await screen.findByTestId('quote-action-error', undefined, SLOW)).toHaveTextContent('Quote Q000007 of this deal is accepted already.');
    expect(screen.getByTestId('quote-status')).toHaveTextContent('Approved');
    expect(screen.getByTestId('quote-approval')).toHaveTextContent('no approval was needed');
  });

  it('shows the form read-only and no actions without quotes:write, and opens the printable HTML', async () => {
    const requests = stubQuotes(QUOTE_READER, ({ method, path }) => {
      if (method === 'GET' && path === '/api/v1/quotes/q1') return json(quote('q1'));
      if (path === '/api/v1/quotes/q1/render') return new Response('<html><body>Quote Q000001</body></html>', { headers: { 'Content-Type': 'text/html' } });
      return undefined;
    });
    const popup = { location: { href: '' }, close: vi.fn() };
    const open = vi.spyOn(window, 'open').mockReturnValue(popup as unknown as Window);
    const createObjectURL = vi.fn((blob: Blob) => (blob.type === 'text/html' ? 'blob:quote' : 'blob:other'));
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    const user = userEvent.setup();
    renderApp('/quotes/q1');

    expect(await screen.findByTestId('quote-total', undefined, SLOW)).toHaveTextContent('226.00');
    for (const id of ['quote-save', 'quote-submit', 'quote-send', 'quote-accept', 'quote-line-add', 'quote-line-remove']) {
      expect(screen.queryByTestId(id)).not.toBeInTheDocument();
    }
    expect(screen.getByTestId('quote-line-quantity')).toBeDisabled();

    await user.click(screen.getByTestId('quote-print'));
    await waitFor(() => expect(popup.location.href).toBe('blob:quote'), SLOW);
    expect(open).toHaveBeenCalledWith('', '_blank');
    const render = requests.find((r) => r.path === '/api/v1/quotes/q1/render')!;
    expect(render.headers.get('Authorization')).toBe('Bearer access-1');
    const blob = createObjectURL.mock.calls[0][0];
    expect(await blob.text()).toContain('Quote Q000001');
  });

  it("shows the approver's reason on a rejected quote and submits it again, approved at once", async () => {
    let current = quote('q1', { status: 'rejected', decision_comment: 'Discount too deep', approval_id: 'a1', version: 3 });
    const requests = stubQuotes(SELLER, ({ method, path }) => {
      if (method === 'GET' && path === '/api/v1/quotes/q1') return json(current);
      if (method === 'POST' && path === '/api/v1/quotes/q1/submit') {
        current = { ...current, status: 'approved', decision_comment: null, approval_id: null, version: 4 };
        return json(current);
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/quotes/q1');

    expect(await screen.findByTestId('quote-approval', undefined, SLOW)).toHaveTextContent('Comment: Discount too deep');
    expect(screen.getByTestId('quote-status')).toHaveTextContent('Rejected');
    expect(screen.queryByTestId('quote-send')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('quote-submit'));
    await waitFor(() => expect(screen.getByTestId('quote-status')).toHaveTextContent('Approved'), SLOW);
    expect(screen.getByTestId('quote-approval')).toHaveTextContent('no approval was needed');
    expect(screen.getByTestId('quote-send')).toBeEnabled();
    expect(requests.find((r) => r.path === '/api/v1/quotes/q1/submit')!.headers.get('If-Match')).toBe('"3"');
  });

  it('lets the designated approver approve the pending quote from its page, and hides that from others', async () => {
    let current = quote('q1', { status: 'pending_approval', approval_id: 'a1', version: 6 });
    let request = approval('a1', { version: 2 });
    const requests = stubQuotes([...SELLER, 'approvals:decide'], ({ method, path }) => {
      if (method === 'GET' && path === '/api/v1/quotes/q1') return json(current);
      if (method === 'GET' && path === '/api/v1/approvals/a1') return json(request);
      if (method === 'POST' && path === '/api/v1/approvals/a1/approve') {
        request = { ...request, status: 'approved', version: 3 };
        current = { ...current, status: 'approved', version: 7 };
        return json(request);
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/quotes/q1');

    await user.click(await screen.findByTestId('quote-approve', undefined, SLOW));
    await user.type(await screen.findByTestId('approval-comment'), 'Fine for this account');
    await user.click(screen.getByTestId('approval-decision-submit'));
    await waitFor(() => expect(screen.getByTestId('quote-status')).toHaveTextContent('Approved'), SLOW);
    expect(bodies(requests, 'POST', '/api/v1/approvals/a1/approve')).toEqual([{ comment: 'Fine for this account', version: 2 }]);
    expect(screen.queryByTestId('quote-approve')).not.toBeInTheDocument();
  });

  it('offers no decision on a pending quote to someone the request does not name', async () => {
    const requests = stubQuotes([...SELLER, 'approvals:decide'], ({ method, path }) => {
      if (method === 'GET' && path === '/api/v1/quotes/q1') return json(quote('q1', { status: 'pending_approval', approval_id: 'a1' }));
      if (method === 'GET' && path === '/api/v1/approvals/a1') return json(approval('a1', { approver_user_id: 'someone-else' }));
      return undefined;
    });
    renderApp('/quotes/q1');
    await screen.findByTestId('quote-approval-status', undefined, SLOW);
    expect(requests.some((r) => r.path === '/api/v1/approvals/a1')).toBe(true);
    expect(screen.queryByTestId('quote-approve')).not.toBeInTheDocument();
  });

  it('opens the current revision from the revisions list', async () => {
    stubQuotes(SELLER, ({ method, path }) => {
      if (method === 'GET' && path === '/api/v1/quotes/q1') return json(quote('q1', { status: 'superseded' }));
      if (path === '/api/v1/quotes/q1/revisions') return json([quote('q1', { status: 'superseded' }), quote('q2', { revision: 2, status: 'draft' })]);
      return undefined;
    });
    renderApp('/quotes/q1');
    const revisions = await screen.findByTestId('quote-revisions', undefined, SLOW);
    await waitFor(() => expect(within(revisions).getByTestId('quote-revision-link')).toHaveAttribute('href', '/quotes/q2'), SLOW);
    expect(within(revisions).getAllByTestId('quote-revision-current')).toHaveLength(1);
    expect(screen.queryByTestId('quote-save')).not.toBeInTheDocument();
  });
});

describe('DealQuotes', () => {
  function renderDealQuotes() {
    tokenStore.set({ access_token: 'access-1', refresh_token: 'refresh-1' });
    const router = createMemoryRouter(
      [
        { path: '/deals/d1', element: <DealQuotes dealId="d1" /> },
        { path: '/quotes/new', element: <div data-testid="new-quote-page" /> },
      ],
      { initialEntries: ['/deals/d1'] },
    );
    const queryClient = createQueryClient();
    queryClient.setDefaultOptions({ queries: { retry: false } });
    render(<App router={router} queryClient={queryClient} />);
    return router;
  }

  it("lists the deal's quotes with status and total, links each and starts a new one", async () => {
    const requests = stubQuotes(SELLER, ({ path }) => {
      if (path === '/api/v1/quotes') return json({ items: [quote('q1', { status: 'sent' })], next_cursor: null, total: 1 });
      return undefined;
    });
    const user = userEvent.setup();
    const router = renderDealQuotes();

    const link = await screen.findByTestId('deal-quote-open', undefined, SLOW);
    expect(link).toHaveAttribute('href', '/quotes/q1');
    expect(screen.getByTestId('deal-quote-status')).toHaveTextContent('Sent');
    expect(screen.getByTestId('deal-quote-total')).toHaveTextContent('226.00');
    expect(requests.find((r) => r.path === '/api/v1/quotes')!.url.searchParams.get('deal_id')).toBe('d1');

    await user.click(screen.getByTestId('deal-quote-new'));
    await waitFor(() => expect(router.state.location.search).toBe('?deal_id=d1'), SLOW);
    expect(router.state.location.pathname).toBe('/quotes/new');
  });

  it('offers no new quote without quotes:write', async () => {
    stubQuotes(QUOTE_READER, ({ path }) => (path === '/api/v1/quotes' ? json({ items: [], next_cursor: null, total: 0 }) : undefined));
    renderDealQuotes();
    expect(await screen.findByTestId('deal-quotes', undefined, SLOW)).toBeInTheDocument();
    expect(screen.queryByTestId('deal-quote-new')).not.toBeInTheDocument();
  });
});

describe('the quote list', () => {
  it('filters by status and number', async () => {
    const requests = stubQuotes(SELLER, ({ path }) =>
      path === '/api/v1/quotes' ? json({ items: [quote('q1')], next_cursor: null, total: 1 }) : undefined,
    );
    const user = userEvent.setup();
    renderApp('/quotes');
    expect(await screen.findByTestId('quote-list-open', undefined, SLOW)).toHaveTextContent('Q000001 · revision 1');
    await user.type(within(screen.getByTestId('quote-number-filter')).getByRole('searchbox'), 'Q000001{Enter}');
    await waitFor(() => expect(requests.some((r) => r.path === '/api/v1/quotes' && r.url.searchParams.get('number') === 'Q000001')).toBe(true), SLOW);
    await user.click(within(screen.getByTestId('quote-status-filter')).getByRole('combobox'));
    await user.click(await screen.findByTitle('Awaiting approval'));
    await waitFor(
      () =>
        expect(
          requests.some((r) => r.path === '/api/v1/quotes' && r.url.searchParams.get('status') === 'pending_approval' && r.url.searchParams.get('number') === 'Q000001'),
        ).toBe(true),
      SLOW,
    );
  });
});
