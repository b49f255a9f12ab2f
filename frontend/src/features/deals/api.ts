import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type {
  DealCreate,
  DealMove,
  DealStatus,
  DealUpdate,
  KanbanCard,
  PipelineCreate,
  PipelineUpdate,
  StageIn,
  StageUpdate,
} from '../../api/types';
import { PAGE_SIZE, useCursorList } from '../../lib/cursorList';
import { isApiError } from '../../lib/problem';

export const DEAL_STATUSES: readonly DealStatus[] = ['open', 'won', 'lost'];
/** Cards per kanban column and per "load more". */
export const KANBAN_PAGE = 20;

export interface DealFilters {
  q?: string;
  pipeline_id?: string;
  stage_id?: string;
  status?: DealStatus;
  owner_id?: string;
}

export const dealKeys = {
  all: ['deals'] as const,
  list: (filters: DealFilters) => ['deals', 'list', filters] as const,
  detail: (id: string) => ['deals', 'detail', id] as const,
  history: (id: string) => ['deals', 'detail', id, 'stage-history'] as const,
  kanban: (pipelineId: string) => ['deals', 'kanban', pipelineId] as const,
  customer: (customerId: string) => ['deals', 'customer', customerId] as const,
  forecast: (query: ForecastQuery) => ['deals', 'forecast', query] as const,
};

export const pipelineKeys = {
  all: ['pipelines'] as const,
  list: (includeInactive: boolean) => ['pipelines', 'list', includeInactive] as const,
};

function filterQuery(filters: DealFilters) {
  const q = filters.q?.trim();
  return {
    ...(q ? { q } : {}),
    ...(filters.pipeline_id ? { pipeline_id: filters.pipeline_id } : {}),
    ...(filters.stage_id ? { stage_id: filters.stage_id } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.owner_id ? { owner_id: filters.owner_id } : {}),
  };
}

/** Every pipeline with its stages in order, the default one first. */
export function usePipelines(includeInactive = false, enabled = true) {
  return useQuery({
    queryKey: pipelineKeys.list(includeInactive),
    queryFn: () => unwrap(api.GET('/api/v1/pipelines', { params: { query: includeInactive ? { include_inactive: true } : {} } })),
    staleTime: 30_000,
    enabled,
  });
}

export function useDealList(filters: DealFilters) {
  return useCursorList(dealKeys.list(filters), (cursor) =>
    unwrap(
      api.GET('/api/v1/deals', {
        params: { query: { ...filterQuery(filters), limit: PAGE_SIZE, ...(cursor ? { cursor } : { with_total: true }) } },
      }),
    ),
  );
}

export function useCustomerDealList(customerId: string) {
  return useCursorList(dealKeys.customer(customerId), (cursor) =>
    unwrap(
      api.GET('/api/v1/customers/{customer_id}/deals', {
        params: { path: { customer_id: customerId }, query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : { with_total: true }) } },
      }),
    ),
  );
}

export function useDeal(id: string) {
  return useQuery({
    queryKey: dealKeys.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/deals/{deal_id}', { params: { path: { deal_id: id } } })),
  });
}

export function useStageHistory(id: string) {
  return useQuery({
    queryKey: dealKeys.history(id),
    queryFn: () => unwrap(api.GET('/api/v1/deals/{deal_id}/stage-history', { params: { path: { deal_id: id } } })),
  });
}

function useInvalidateDeals() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: dealKeys.all });
}

export function useCreateDeal() {
  const invalidate = useInvalidateDeals();
  return useMutation({
    mutationFn: (body: DealCreate) => unwrap(api.POST('/api/v1/deals', { body })),
    onSuccess: invalidate,
  });
}

export function useUpdateDeal(id: string) {
  const invalidate = useInvalidateDeals();
  return useMutation({
    mutationFn: (body: DealUpdate) => unwrap(api.PATCH('/api/v1/deals/{deal_id}', { params: { path: { deal_id: id } }, body })),
    onSuccess: invalidate,
  });
}

export interface MoveInput {
  dealId: string;
  body: DealMove;
}

/** POST /deals/{id}/move; every deal view (board, lists, the deal) is stale afterwards. */
export function useMoveDeal() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ dealId, body }: MoveInput) => unwrap(api.POST('/api/v1/deals/{deal_id}/move', { params: { path: { deal_id: dealId } }, body })),
    // Awaited: the moved card stays "pending" until the board shows it in its new column.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: dealKeys.all }),
    // A stale card (412) or a deal already moved elsewhere (409): show the board as it is now.
    onError: (error) => {
      if (isApiError(error) && [409, 412].includes(error.status)) void queryClient.invalidateQueries({ queryKey: dealKeys.all });
    },
  });
}

/** One column's cards beyond the first page, fetched with the column's cursor. */
interface ColumnMore {
  cards: KanbanCard[];
  nextCursor: string | null;
}

/**
 * The kanban of a pipeline: the board (first page of every open column) plus, per column, the
 * pages fetched with "load more". Extra pages are dropped whenever the board itself is reloaded
 * (after a move), so a card never shows twice.
 */
export function useKanban(pipelineId: string | undefined) {
  const board = useQuery({
    queryKey: dealKeys.kanban(pipelineId ?? ''),
    queryFn: () =>
      unwrap(api.GET('/api/v1/pipelines/{pipeline_id}/kanban', { params: { path: { pipeline_id: pipelineId! }, query: { limit: KANBAN_PAGE } } })),
    enabled: Boolean(pipelineId),
  });
  const [more, setMore] = useState<{ at: number; columns: Record<string, ColumnMore> }>({ at: 0, columns: {} });
  const [loadingColumn, setLoadingColumn] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const at = board.dataUpdatedAt;
  const extra = more.at === at ? more.columns : {};

  const loadMore = useCallback(
    async (stageId: string) => {
      const column = board.data?.columns.find((c) => c.stage.id === stageId);
      if (!column || !pipelineId) return;
      const loaded = more.at === at ? more.columns[stageId] : undefined;
      const cursor = loaded ? loaded.nextCursor : column.next_cursor;
      if (!cursor) return;
      setLoadingColumn(stageId);
      setMoreError(null);
      try {
        const page = await unwrap(
          api.GET('/api/v1/pipelines/{pipeline_id}/kanban', {
            params: { path: { pipeline_id: pipelineId }, query: { limit: KANBAN_PAGE, stage_id: stageId, cursor } },
          }),
        );
        const fetched = page.columns.find((c) => c.stage.id === stageId);
        setMore((previous) => {
          const columns = previous.at === at ? previous.columns : {};
          const before = columns[stageId]?.cards ?? [];
          return {
            at,
            columns: { ...columns, [stageId]: { cards: [...before, ...(fetched?.cards ?? [])], nextCursor: fetched?.next_cursor ?? null } },
          };
        });
      } catch (error) {
        setMoreError(error);
      } finally {
        setLoadingColumn(null);
      }
    },
    [board.data, pipelineId, more, at],
  );

  const columns = (board.data?.columns ?? []).map((column) => ({
    ...column,
    cards: [...column.cards, ...(extra[column.stage.id]?.cards ?? [])],
    next_cursor: extra[column.stage.id] ? extra[column.stage.id].nextCursor : column.next_cursor,
  }));
  return { board, columns, loadMore, loadingColumn, moreError };
}

export interface ForecastQuery {
  pipeline_id?: string;
  from?: string;
  to?: string;
  group_by: 'owner' | 'department';
}

export function useForecast(query: ForecastQuery) {
  return useQuery({
    queryKey: dealKeys.forecast(query),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/deals/forecast', {
          params: {
            query: {
              group_by: query.group_by,
              ...(query.pipeline_id ? { pipeline_id: query.pipeline_id } : {}),
              ...(query.from ? { from: query.from } : {}),
              ...(query.to ? { to: query.to } : {}),
            },
          },
        }),
      ),
  });
}

// --- pipelines administration ------------------------------------------------------------------

function useInvalidatePipelines() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: pipelineKeys.all });
    void queryClient.invalidateQueries({ queryKey: ['deals', 'kanban'] });
  };
}

export function useSavePipeline() {
  const invalidate = useInvalidatePipelines();
  return useMutation({
    mutationFn: (input: { kind: 'create'; body: PipelineCreate } | { kind: 'update'; id: string; body: PipelineUpdate }) =>
      input.kind === 'create'
        ? unwrap(api.POST('/api/v1/pipelines', { body: input.body }))
        : unwrap(api.PATCH('/api/v1/pipelines/{pipeline_id}', { params: { path: { pipeline_id: input.id } }, body: input.body })),
    onSettled: invalidate,
  });
}

export function useDeletePipeline() {
  const invalidate = useInvalidatePipelines();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/pipelines/{pipeline_id}', { params: { path: { pipeline_id: id } } })),
    onSettled: invalidate,
  });
}

export function useSaveStage(pipelineId: string) {
  const invalidate = useInvalidatePipelines();
  return useMutation({
    mutationFn: (input: { kind: 'create'; body: StageIn; position?: number } | { kind: 'update'; id: string; body: StageUpdate }) =>
      input.kind === 'create'
        ? unwrap(
            api.POST('/api/v1/pipelines/{pipeline_id}/stages', {
              params: { path: { pipeline_id: pipelineId }, query: input.position ? { position: input.position } : {} },
              body: input.body,
            }),
          )
        : unwrap(
            api.PATCH('/api/v1/pipelines/{pipeline_id}/stages/{stage_id}', {
              params: { path: { pipeline_id: pipelineId, stage_id: input.id } },
              body: input.body,
            }),
          ),
    onSettled: invalidate,
  });
}

export function useDeleteStage(pipelineId: string) {
  const invalidate = useInvalidatePipelines();
  return useMutation({
    mutationFn: (stageId: string) =>
      unwrap(api.DELETE('/api/v1/pipelines/{pipeline_id}/stages/{stage_id}', { params: { path: { pipeline_id: pipelineId, stage_id: stageId } } })),
    onSettled: invalidate,
  });
}
