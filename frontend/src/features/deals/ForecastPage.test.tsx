import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, meResponse, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { ME_ID, READER, SLOW, USERS, pipeline } from './testData';

describe('the forecast', () => {
  it('shows the server\'s weighted sums per month and owner, and regroups by department', async () => {
    const requests = stubFetch(({ path, url }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(READER));
      if (path === '/api/v1/users') return json(USERS);
      if (path === '/api/v1/pipelines') return json([pipeline()]);
      if (path === '/api/v1/deals/forecast')
        return json({
          pipeline_id: null,
          group_by: url.searchParams.get('group_by'),
          rows: [{ month: '2026-12', group_id: ME_ID, currency: 'CNY', deals: 2, amount: '3000.00', weighted: '1234.56' }],
        });
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/deals/forecast');

    const row = await screen.findByTestId('forecast-row', undefined, SLOW);
    expect(within(row).getByText('2026-12')).toBeInTheDocument();
    expect(within(row).getByTestId('forecast-weighted')).toHaveTextContent('CN¥1,234.56');
    await waitFor(() => expect(within(row).getByText('Ada Admin')).toBeInTheDocument(), SLOW);
    const first = requests.find((r) => r.path === '/api/v1/deals/forecast')!;
    expect(first.url.searchParams.get('group_by')).toBe('owner');
    expect(first.url.searchParams.get('from')).toMatch(/^\d{4}-\d{2}-01$/);

    await user.click(screen.getByText('Department'));
    await waitFor(() => expect(requests.some((r) => r.path === '/api/v1/deals/forecast' && r.url.searchParams.get('group_by') === 'department')).toBe(true), SLOW);
  });
});
