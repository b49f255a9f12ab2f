import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, meResponse, problem, stubFetch, type RecordedRequest } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { CUSTOMER, READER, SALES, SLOW, STAGES, USERS, card, pipeline } from './testData';

const KANBAN = {
  pipeline_id: 'p1',
  columns: [
    {
      stage: STAGES[0],
      count: 3,
      totals: [
        { currency: 'CNY', amount: '3000.50' },
        { currency: 'USD', amount: '20.00' },
      ],
      cards: [card('d1', 's1'), card('d2', 's1', { name: 'Big one', currency: 'USD', amount: '20.00' })],
      next_cursor: 'cursor-s1',
    },
    { stage: STAGES[1], count: 1, totals: [{ currency: 'CNY', amount: '500.00' }], cards: [card('d3', 's2', { amount: '500.00' })], next_cursor: null },
    { stage: STAGES[2], count: 0, totals: [], cards: [], next_cursor: null },
  ],
};
const MORE = { pipeline_id: 'p1', columns: [{ ...KANBAN.columns[0], cards: [card('d9', 's1', { name: 'Third deal' })], next_cursor: null }] };

type Extra = (request: RecordedRequest) => Response | Promise<Response> | undefined;

function stubBoard(permissions: string[], extra: Extra = () => undefined) {
  return stubFetch((request) => {
    const { method, path, url } = request;
    const answer = extra(request);
    if (answer) return answer;
    if (path === '/api/v1/auth/me') return json(meResponse(permissions));
    if (path === '/api/v1/users') return json(USERS);
    if (path === '/api/v1/customers/c1') return json(CUSTOMER);
    if (path === '/api/v1/pipelines') return json([pipeline(), pipeline('p2', { is_default: false })]);
    if (method === 'GET' && path === '/api/v1/pipelines/p1/kanban') return json(url.searchParams.get('cursor') ? MORE : KANBAN);
    return undefined;
  });
}

const column = (name: string) => screen.getAllByTestId('deal-column').find((c) => within(c).queryByTestId('deal-column-name')?.textContent === name)!;
const cardEl = (name: string) => screen.getAllByTestId('deal-card').find((c) => within(c).queryByText(name))!;
const moves = (requests: RecordedRequest[]) => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/move'));

async function dragOnto(cardName: string, target: HTMLElement) {
  // What a browser's DataTransfer does for one drag: the data set on dragstart is read on drop.
  const store = new Map<string, string>();
  const dataTransfer = { setData: (type: string, value: string) => store.set(type, value), getData: (type: string) => store.get(type) ?? '', effectAllowed: '', dropEffect: '' };
  fireEvent.dragStart(cardEl(cardName), { dataTransfer });
  fireEvent.dragOver(target, { dataTransfer });
  fireEvent.drop(target, { dataTransfer });
}

describe('the deal board', () => {
  it('shows the default pipeline with a column per open stage, its count and the totals per currency, and loads more of a column', async () => {
    const requests = stubBoard(SALES);
    const user = userEvent.setup();
    renderApp('/deals/board');

    expect(await screen.findAllByTestId('deal-column', undefined, SLOW)).toHaveLength(3);
    const first = column('Initial contact');
    expect(within(first).getByTestId('deal-column-count')).toHaveTextContent('3 deals');
    expect(within(first).getByTestId('deal-column-totals')).toHaveTextContent('CN¥3,000.50 · $20.00');
    expect(within(column('Needs confirmed')).getByTestId('deal-column-count')).toHaveTextContent('1 deal');
    expect(within(first).getAllByTestId('deal-card')).toHaveLength(2);
    expect(within(first).getAllByTestId('deal-card-customer').map((el) => el.textContent)).toEqual(['Acme Ltd', 'Acme Ltd']);
    // The card carries its customer's name: no customer lookups per card.
    expect(requests.some((r) => r.path.startsWith('/api/v1/customers/'))).toBe(false);
    expect(within(cardEl('Deal d1')).getByText('Ada Admin')).toBeInTheDocument();
    expect(within(cardEl('Deal d1')).getByText('2026-12-31')).toBeInTheDocument();
    expect(within(cardEl('Deal d1')).getByTestId('deal-card-name')).toHaveAttribute('href', '/deals/d1');
    // Won and lost are drop zones, not columns.
    expect(screen.getByTestId('deal-drop-won')).toBeInTheDocument();
    expect(screen.getByTestId('deal-drop-lost')).toBeInTheDocument();

    await user.click(within(first).getByTestId('deal-column-more'));
    expect(await within(first).findByText('Third deal', undefined, SLOW)).toBeInTheDocument();
    const more = requests.find((r) => r.url.searchParams.get('cursor'));
    expect(more!.url.searchParams.get('cursor')).toBe('cursor-s1');
    expect(more!.url.searchParams.get('stage_id')).toBe('s1');
    expect(within(first).getAllByTestId('deal-card')).toHaveLength(3);
    expect(within(first).queryByTestId('deal-column-more')).not.toBeInTheDocument();
  });

  it('moves a dragged card with the target stage and the card version, shows it pending, then reloads the board', async () => {
    let moved = false;
    let answer: (response: Response) => void = () => {};
    const requests = stubBoard(SALES, ({ method, path }) => {
      if (method === 'POST' && path === '/api/v1/deals/d1/move') {
        moved = true;
        return new Promise<Response>((resolve) => (answer = resolve));
      }
      if (moved && path === '/api/v1/pipelines/p1/kanban')
        return json({ ...KANBAN, columns: [{ ...KANBAN.columns[0], cards: [KANBAN.columns[0].cards[1]] }, KANBAN.columns[1], { ...KANBAN.columns[2], cards: [card('d1', 's3')] }] });
      return undefined;
    });
    renderApp('/deals/board');
    await screen.findAllByTestId('deal-card', undefined, SLOW);

    await dragOnto('Deal d1', column('Proposal'));
    await waitFor(() => expect(moves(requests)).toHaveLength(1), SLOW);
    expect(moves(requests)[0].path).toBe('/api/v1/deals/d1/move');
    expect(JSON.parse(moves(requests)[0].body)).toEqual({ stage_id: 's3', version: 2 });
    await waitFor(() => expect(cardEl('Deal d1')).toHaveAttribute('data-pending', 'true'), SLOW);
    expect(within(cardEl('Deal d1')).getByTestId('deal-card-pending')).toHaveTextContent('Moving…');
    answer(json({ id: 'd1' }));
    await waitFor(() => expect(within(column('Proposal')).getByText('Deal d1')).toBeInTheDocument(), SLOW);
    expect(cardEl('Deal d1')).not.toHaveAttribute('data-pending');
    expect(within(column('Initial contact')).queryByText('Deal d1')).not.toBeInTheDocument();
  });

  it('keeps the card in its column and names every missing item when the stage gate refuses', async () => {
    const requests = stubBoard(SALES, ({ method, path }) => {
      if (method === 'POST' && path === '/api/v1/deals/d3/move')
        return problem(422, "The deal cannot move to 'Proposal' yet: 3 item(s) missing.", {
          errors: [
            { loc: ['deal', 'expected_close_date'], msg: 'must be filled', type: 'missing_field', field: 'expected_close_date' },
            { loc: ['attachments', 'needs_document'], msg: 'attach', type: 'missing_attachment', category: 'needs_document' },
            { loc: ['attachments', 'competitor_analysis'], msg: 'attach', type: 'missing_attachment', category: 'competitor_analysis' },
          ],
        });
      return undefined;
    });
    renderApp('/deals/board');
    await screen.findAllByTestId('deal-card', undefined, SLOW);

    await dragOnto('Deal d3', column('Proposal'));
    const refused = await screen.findByTestId('deal-move-refused', undefined, SLOW);
    const items = within(refused).getAllByTestId('deal-move-missing').map((li) => li.textContent);
    expect(items).toEqual([
      "Fill in the deal's Expected close",
      'Attach a file of category "Needs document"',
      'Attach a file of category "Competitor analysis"',
    ]);
    expect(within(refused).getByText('The deal still lacks 3 items:')).toBeInTheDocument();
    expect(JSON.parse(moves(requests)[0].body)).toEqual({ stage_id: 's3', version: 2 });
    // Nothing moved: the card is still in its column, no longer pending.
    expect(within(column('Needs confirmed')).getByText('Deal d3')).toBeInTheDocument();
    expect(within(column('Proposal')).queryByText('Deal d3')).not.toBeInTheDocument();
    expect(cardEl('Deal d3')).not.toHaveAttribute('data-pending');
  });

  it('asks for the reason before moving to the lost stage, and sends it', async () => {
    const requests = stubBoard(SALES, ({ method, path }) => (method === 'POST' && path === '/api/v1/deals/d1/move' ? json({ id: 'd1' }) : undefined));
    const user = userEvent.setup();
    renderApp('/deals/board');
    await screen.findAllByTestId('deal-card', undefined, SLOW);

    await dragOnto('Deal d1', screen.getByTestId('deal-drop-lost'));
    const dialog = await screen.findByTestId('deal-lost-modal', undefined, SLOW);
    expect(moves(requests)).toHaveLength(0);
    await user.click(screen.getByTestId('deal-lost-submit'));
    expect(await within(dialog).findByText('The reason is required', undefined, SLOW)).toBeInTheDocument();
    expect(moves(requests)).toHaveLength(0);

    await user.type(screen.getByTestId('deal-lost-reason'), 'Price too high');
    await user.click(screen.getByTestId('deal-lost-submit'));
    await waitFor(() => expect(moves(requests)).toHaveLength(1), SLOW);
    expect(JSON.parse(moves(requests)[0].body)).toEqual({ stage_id: 's5', version: 2, lost_reason: 'Price too high' });
  });

  it('moves through the "Move to…" select without dragging', async () => {
    const requests = stubBoard(SALES, ({ method, path }) => (method === 'POST' && path === '/api/v1/deals/d2/move' ? json({ id: 'd2' }) : undefined));
    const user = userEvent.setup();
    renderApp('/deals/board');
    await screen.findAllByTestId('deal-card', undefined, SLOW);

    await user.click(within(within(cardEl('Big one')).getByTestId('deal-card-move')).getByRole('combobox'));
    await user.click(await screen.findByTitle('Won (Won)', undefined, SLOW));
    await waitFor(() => expect(moves(requests)).toHaveLength(1), SLOW);
    expect(moves(requests)[0].path).toBe('/api/v1/deals/d2/move');
    expect(JSON.parse(moves(requests)[0].body)).toEqual({ stage_id: 's4', version: 2 });
    expect(await screen.findByText('Deal moved to Won', undefined, SLOW)).toBeInTheDocument();
  });

  it('offers no move controls without deals:write, and a drop does nothing', async () => {
    const requests = stubBoard(READER);
    renderApp('/deals/board');
    await screen.findAllByTestId('deal-card', undefined, SLOW);

    expect(screen.queryByTestId('deal-card-move')).not.toBeInTheDocument();
    expect(screen.queryByTestId('deal-drop-lost')).not.toBeInTheDocument();
    expect(cardEl('Deal d1')).toHaveAttribute('draggable', 'false');
    await dragOnto('Deal d1', column('Proposal'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(moves(requests)).toHaveLength(0);
  });
});
