import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ALL_PERMISSIONS, json, meResponse, problem, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { PRODUCT, SLOW } from '../quotes/testData';

// Long user flows on a slow shared machine.
vi.setConfig({ testTimeout: 60_000 });

const WRITER = [...ALL_PERMISSIONS, 'products:read', 'products:write'];
const READER = [...ALL_PERMISSIONS, 'products:read'];

const BOOK = {
  id: 'pb1',
  name: 'General CNY',
  currency: 'CNY',
  customer_group: null,
  effective_from: '2026-01-01',
  effective_to: null,
  active: true,
  version: 1,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};
const ENTRY = { id: 'e1', price_book_id: 'pb1', product_id: 'p-1', unit_price: '100.0000', version: 1, updated_at: '2026-01-01T00:00:00Z' };
const OTHER = { ...PRODUCT, id: 'p-2', sku: 'SKU-2', name: 'Gadget' };

describe('the products page', () => {
  it('lists active products and creates one, showing a 422 on its field', async () => {
    let calls = 0;
    const requests = stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(WRITER));
      if (method === 'GET' && path === '/api/v1/products') return json({ items: [PRODUCT], next_cursor: null, total: 1 });
      if (method === 'POST' && path === '/api/v1/products') {
        calls += 1;
        if (calls === 1)
          return problem(422, 'A product with this SKU exists.', { errors: [{ loc: ['body', 'sku'], msg: 'A product with this SKU exists.', type: 'value_error' }] });
        return json({ ...OTHER, sku: 'SKU-3' }, 201);
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/products');

    expect(await screen.findByTestId('product-row-sku', undefined, SLOW)).toHaveTextContent('SKU-1');
    expect(requests.find((r) => r.path === '/api/v1/products')!.url.searchParams.get('active')).toBe('true');
    await user.click(screen.getByTestId('product-new'));
    await user.type(await screen.findByTestId('product-sku'), 'SKU-1');
    await user.type(screen.getByTestId('product-name'), 'Gadget');
    await user.click(screen.getByTestId('product-submit'));
    expect(await screen.findByText('A product with this SKU exists.', undefined, SLOW)).toBeInTheDocument();
    const posts = () => requests.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body));
    expect(posts()[0]).toEqual({ sku: 'SKU-1', name: 'Gadget', unit: 'pcs', active: true });

    await user.clear(screen.getByTestId('product-sku'));
    await user.type(screen.getByTestId('product-sku'), 'SKU-3');
    await user.click(screen.getByTestId('product-submit'));
    await waitFor(() => expect(posts()).toHaveLength(2), SLOW);
    expect(posts()[1]).toMatchObject({ sku: 'SKU-3' });
    await waitFor(() => expect(screen.queryByTestId('product-submit')).not.toBeInTheDocument(), SLOW);
  });

  it('searches, and offers no create or edit without products:write', async () => {
    const requests = stubFetch(({ path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(READER));
      if (path === '/api/v1/products') return json({ items: [PRODUCT], next_cursor: null, total: 1 });
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/products');
    expect(await screen.findByTestId('product-row-sku', undefined, SLOW)).toBeInTheDocument();
    expect(screen.queryByTestId('product-new')).not.toBeInTheDocument();
    expect(screen.queryByTestId('product-edit')).not.toBeInTheDocument();
    await user.type(within(screen.getByTestId('product-search')).getByRole('searchbox'), 'wid{Enter}');
    await waitFor(() => expect(requests.some((r) => r.path === '/api/v1/products' && r.url.searchParams.get('q') === 'wid')).toBe(true), SLOW);
  });
});

describe('a price book', () => {
  it('lists its prices by product and sets a product price with PUT, money as a string', async () => {
    const requests = stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(WRITER));
      if (path === '/api/v1/price-books/pb1') return json(BOOK);
      if (path === '/api/v1/price-books/pb1/entries') return json({ items: [ENTRY], next_cursor: null, total: 1 });
      if (path === '/api/v1/products') return json({ items: [PRODUCT, OTHER], next_cursor: null });
      if (method === 'PUT' && path === '/api/v1/price-books/pb1/entries/p-2') return json({ ...ENTRY, id: 'e2', product_id: 'p-2', unit_price: '19.9900' });
      if (method === 'DELETE' && path === '/api/v1/price-books/pb1/entries/p-1') return new Response(null, { status: 204 });
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/price-books/pb1');

    expect(await screen.findByTestId('price-book-title', undefined, SLOW)).toHaveTextContent('General CNY');
    await waitFor(() => expect(screen.getByTestId('entry-product-name')).toHaveTextContent('SKU-1 · Widget'), SLOW);
    expect(screen.getByTestId('entry-row-price')).toHaveTextContent('100.00');

    await user.click(screen.getByTestId('entry-new'));
    await user.type(within(await screen.findByTestId('entry-product')).getByRole('combobox'), 'gad');
    await user.click(await screen.findByTitle('SKU-2 · Gadget', undefined, SLOW));
    await user.type(screen.getByTestId('entry-price'), '19.99');
    await user.click(screen.getByTestId('entry-submit'));
    await waitFor(() => expect(requests.some((r) => r.method === 'PUT')).toBe(true), SLOW);
    const put = requests.find((r) => r.method === 'PUT')!;
    expect(put.path).toBe('/api/v1/price-books/pb1/entries/p-2');
    expect(JSON.parse(put.body)).toEqual({ unit_price: '19.99' });

    await user.click(screen.getByTestId('entry-remove'));
    await waitFor(() => expect(document.querySelector('.ant-popconfirm')).not.toBeNull(), SLOW);
    await user.click(within(document.querySelector('.ant-popconfirm') as HTMLElement).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(requests.some((r) => r.method === 'DELETE' && r.path === '/api/v1/price-books/pb1/entries/p-1')).toBe(true), SLOW);
  });

  it('creates a price book and shows an overlap refusal', async () => {
    const requests = stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(WRITER));
      if (method === 'GET' && path === '/api/v1/price-books') return json({ items: [BOOK], next_cursor: null, total: 1 });
      if (method === 'POST' && path === '/api/v1/price-books')
        return problem(422, 'An active CNY price book for every customer overlaps these dates.', {
          errors: [{ loc: ['body', 'effective_from'], msg: 'Overlaps General CNY.', type: 'value_error' }],
        });
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/price-books');
    expect(await screen.findByTestId('price-book-open', undefined, SLOW)).toHaveAttribute('href', '/price-books/pb1');
    await user.click(screen.getByTestId('price-book-new'));
    await user.type(await screen.findByTestId('price-book-name'), 'Promo');
    await user.clear(screen.getByTestId('price-book-currency'));
    await user.type(screen.getByTestId('price-book-currency'), 'cny');
    await user.clear(screen.getByTestId('price-book-from'));
    await user.type(screen.getByTestId('price-book-from'), '2026-12-01');
    await user.click(screen.getByTestId('price-book-submit'));
    expect(await screen.findByText('Overlaps General CNY.', undefined, SLOW)).toBeInTheDocument();
    const body = JSON.parse(requests.find((r) => r.method === 'POST')!.body);
    expect(body).toEqual({ name: 'Promo', currency: 'CNY', effective_from: '2026-12-01', active: true });
  });
});
