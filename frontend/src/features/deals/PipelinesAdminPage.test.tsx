import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, meResponse, problem, stubFetch } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { ADMIN, SALES, SLOW, pipeline } from './testData';

describe('the pipelines administration', () => {
  it('lists the stages with gate and triggers, adds a stage, and shows the server refusing one', async () => {
    let posts = 0;
    const requests = stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(ADMIN));
      if (path === '/api/v1/pipelines') return json([pipeline()]);
      if (method === 'POST' && path === '/api/v1/pipelines/p1/stages') {
        posts += 1;
        if (posts === 1) return problem(422, 'A pipeline has exactly one won stage and one lost stage.');
        return json({}, 201);
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/admin/pipelines');

    const card = await screen.findByTestId('pipeline-card', undefined, SLOW);
    expect(within(card).getByTestId('pipeline-title')).toHaveTextContent('Sales');
    const rows = within(card).getAllByTestId('pipeline-stage-row');
    expect(rows).toHaveLength(5);
    expect(within(rows[1]).getByText('Needs document')).toBeInTheDocument();
    expect(within(rows[1]).getByText('Competitor analysis')).toBeInTheDocument();
    expect(within(rows[1]).getByText('Expected close')).toBeInTheDocument();
    expect(requests.find((r) => r.path === '/api/v1/pipelines')!.url.searchParams.get('include_inactive')).toBe('true');

    await user.click(within(card).getByTestId('pipeline-add-stage'));
    await user.type(await screen.findByTestId('stage-key'), 'closing');
    await user.type(screen.getByTestId('stage-name'), 'Closing');
    await user.clear(screen.getByTestId('stage-probability'));
    await user.type(screen.getByTestId('stage-probability'), '90');
    await user.click(within(screen.getByTestId('stage-kind')).getByRole('combobox'));
    await user.click(await screen.findByTitle('Won'));
    await user.click(within(screen.getByTestId('stage-triggers')).getByRole('combobox'));
    await user.click(await screen.findByTitle('Legal review task'));
    await user.click(screen.getByTestId('stage-submit'));

    expect(await screen.findByText('A pipeline has exactly one won stage and one lost stage.', undefined, SLOW)).toBeInTheDocument();
    const sent = JSON.parse(requests.find((r) => r.method === 'POST')!.body);
    expect(sent).toEqual({
      key: 'closing',
      name: 'Closing',
      probability: 90,
      kind: 'won',
      gate: { required_fields: [], required_attachments: [] },
      skippable: false,
      triggers: [{ type: 'legal_review_task' }],
    });

    await user.click(within(screen.getByTestId('stage-kind')).getByRole('combobox'));
    await user.click(await screen.findByTitle('Open'));
    await user.click(screen.getByTestId('stage-submit'));
    expect(await screen.findByText('Stage saved', undefined, SLOW)).toBeInTheDocument();
    expect(JSON.parse(requests.filter((r) => r.method === 'POST')[1].body).kind).toBe('open');
  });

  it('reorders a stage with its version', async () => {
    const requests = stubFetch(({ method, path }) => {
      if (path === '/api/v1/auth/me') return json(meResponse(ADMIN));
      if (path === '/api/v1/pipelines') return json([pipeline()]);
      if (method === 'PATCH' && path === '/api/v1/pipelines/p1/stages/s2') return json({});
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/admin/pipelines');
    const rows = await screen.findAllByTestId('pipeline-stage-row', undefined, SLOW);
    await user.click(within(rows[1]).getByTestId('stage-up'));
    await waitFor(() => expect(requests.some((r) => r.method === 'PATCH')).toBe(true), SLOW);
    expect(JSON.parse(requests.find((r) => r.method === 'PATCH')!.body)).toEqual({ position: 1, version: 1 });
  });

  it('is not offered without admin:settings', async () => {
    stubFetch(({ path }) => (path === '/api/v1/auth/me' ? json(meResponse(SALES)) : undefined));
    renderApp('/admin/pipelines');
    expect(await screen.findByTestId('not-found', undefined, SLOW)).toBeInTheDocument();
  });
});
