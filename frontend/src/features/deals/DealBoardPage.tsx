import { UnorderedListOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, Select, Skeleton, Space, Spin, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AmountTotal, KanbanCard, PipelineRead, StageRead } from '../../api/types';
import { QueryError } from '../../components/QueryError';
import { problemMessage, problemOf } from '../../lib/problem';
import { useAuth } from '../auth/AuthContext';
import { useUserName } from '../admin/userNames';
import { useKanban, usePipelines } from './api';
import { formatMoney } from '../../lib/money';
import { useDealMove, type MovableDeal } from './useDealMove';

const COLUMN_WIDTH = 272;
const DRAG_TYPE = 'application/x-crm-deal';

export function Totals({ totals, testId }: { totals: AmountTotal[]; testId?: string }) {
  const { i18n } = useTranslation();
  if (totals.length === 0) return <span data-testid={testId}>—</span>;
  return (
    <span data-testid={testId}>
      {totals.map((total, index) => (
        <span key={total.currency}>
          {index > 0 && ' · '}
          {formatMoney(total.amount, total.currency, i18n.language)}
        </span>
      ))}
    </span>
  );
}

interface CardProps {
  card: KanbanCard;
  stages: StageRead[];
  canMove: boolean;
  pending: boolean;
  ownerName: (id: string) => string;
  onDragStart: (card: KanbanCard) => void;
  onMove: (card: KanbanCard, stage: StageRead) => void;
}

function DealCard({ card, stages, canMove, pending, ownerName, onDragStart, onMove }: CardProps) {
  const { t, i18n } = useTranslation();
  return (
    <Card
      size="small"
      data-testid="deal-card"
      data-deal-id={card.id}
      data-pending={pending ? 'true' : undefined}
      draggable={canMove && !pending}
      onDragStart={(event: DragEvent<HTMLDivElement>) => {
        event.dataTransfer?.setData(DRAG_TYPE, card.id);
        event.dataTransfer?.setData('text/plain', card.id);
        if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
        onDragStart(card);
      }}
      style={{ opacity: pending ? 0.5 : 1, cursor: canMove ? 'grab' : undefined }}
    >
      <Spin spinning={pending} size="small">
        <Flex vertical gap={2}>
          <Link to={`/deals/${card.id}`} data-testid="deal-card-name" style={{ fontWeight: 600 }}>
            {card.name}
          </Link>
          <Typography.Text type="secondary" ellipsis data-testid="deal-card-customer">
            {card.customer_name}
          </Typography.Text>
          <Typography.Text data-testid="deal-card-amount">{formatMoney(card.amount, card.currency, i18n.language)}</Typography.Text>
          <Flex justify="space-between" gap={4} wrap>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {card.owner_id ? ownerName(card.owner_id) : t('deals.noOwner')}
            </Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {card.expected_close_date ? dayjs(card.expected_close_date).format('YYYY-MM-DD') : '—'}
            </Typography.Text>
          </Flex>
          {pending && <Tag data-testid="deal-card-pending">{t('deals.board.pending')}</Tag>}
          {canMove && (
            <Select
              size="small"
              data-testid="deal-card-move"
              aria-label={t('deals.board.moveTo')}
              placeholder={t('deals.board.moveTo')}
              value={null}
              disabled={pending}
              style={{ width: '100%', marginTop: 4 }}
              options={stages
                .filter((stage) => stage.id !== card.stage_id)
                .map((stage) => ({ value: stage.id, label: stage.kind === 'open' ? stage.name : `${stage.name} (${t(`deals.status.${stage.kind}`)})` }))}
              onChange={(stageId: string) => {
                const stage = stages.find((s) => s.id === stageId);
                if (stage) onMove(card, stage);
              }}
            />
          )}
        </Flex>
      </Spin>
    </Card>
  );
}

/** A drop target: highlights while a card is dragged over it, moves the dragged card on drop. */
function useDropTarget(enabled: boolean, onDrop: (draggedId: string | null) => void) {
  const [over, setOver] = useState(false);
  if (!enabled) return { over: false, handlers: {} };
  return {
    over,
    handlers: {
      onDragOver: (event: DragEvent) => {
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
        setOver(true);
      },
      onDragLeave: () => setOver(false),
      onDrop: (event: DragEvent) => {
        event.preventDefault();
        setOver(false);
        onDrop(event.dataTransfer?.getData(DRAG_TYPE) || null);
      },
    },
  };
}

function ClosingZone({ stage, canMove, onDrop }: { stage: StageRead; canMove: boolean; onDrop: (stage: StageRead, draggedId: string | null) => void }) {
  const { t } = useTranslation();
  const { over, handlers } = useDropTarget(canMove, (draggedId) => onDrop(stage, draggedId));
  return (
    <div
      data-testid={`deal-drop-${stage.kind}`}
      data-stage-id={stage.id}
      {...handlers}
      style={{
        border: `2px dashed ${over ? '#1677ff' : stage.kind === 'won' ? '#52c41a' : '#ff4d4f'}`,
        borderRadius: 8,
        padding: '8px 16px',
        flex: 1,
        textAlign: 'center',
        background: over ? '#e6f4ff' : undefined,
      }}
    >
      <Typography.Text strong>{stage.name}</Typography.Text>{' '}
      <Typography.Text type="secondary">{t('deals.board.dropToClose')}</Typography.Text>
    </div>
  );
}

function BoardColumn({
  column,
  canMove,
  onDrop,
  loadingMore,
  onLoadMore,
  renderCard,
}: {
  column: ReturnType<typeof useKanban>['columns'][number];
  canMove: boolean;
  onDrop: (stage: StageRead, draggedId: string | null) => void;
  loadingMore: boolean;
  onLoadMore: () => void;
  renderCard: (card: KanbanCard) => ReactNode;
}) {
  const { t } = useTranslation();
  const { over, handlers } = useDropTarget(canMove, (draggedId) => onDrop(column.stage, draggedId));
  return (
    <div
      data-testid="deal-column"
      data-stage-id={column.stage.id}
      {...handlers}
      style={{
        width: COLUMN_WIDTH,
        flex: `0 0 ${COLUMN_WIDTH}px`,
        background: over ? '#e6f4ff' : '#f5f5f5',
        outline: over ? '2px dashed #1677ff' : undefined,
        borderRadius: 8,
        padding: 8,
      }}
    >
      <Flex vertical gap={2} style={{ marginBottom: 8 }}>
        <Flex justify="space-between">
          <Typography.Text strong data-testid="deal-column-name">
            {column.stage.name}
          </Typography.Text>
          <Typography.Text type="secondary">{column.stage.probability}%</Typography.Text>
        </Flex>
        <Typography.Text type="secondary" data-testid="deal-column-count">
          {t('deals.board.count', { count: column.count })}
        </Typography.Text>
        <Typography.Text>
          <Totals totals={column.totals} testId="deal-column-totals" />
        </Typography.Text>
      </Flex>
      <Flex vertical gap={8}>
        {column.cards.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('deals.board.empty')} />}
        {column.cards.map(renderCard)}
        {column.next_cursor && (
          <Button size="small" block loading={loadingMore} onClick={onLoadMore} data-testid="deal-column-more">
            {t('common.loadMore')}
          </Button>
        )}
      </Flex>
    </div>
  );
}

function Board({ pipeline }: { pipeline: PipelineRead }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canMove = can('deals:write');
  const { board, columns, loadMore, loadingColumn, moreError } = useKanban(pipeline.id);
  const { requestMove, pendingDealId, dialogs } = useDealMove();
  const dragged = useRef<KanbanCard | null>(null);
  const cards = columns.flatMap((column) => column.cards);
  const ownerName = useUserName();
  const closing = pipeline.stages.filter((stage) => stage.kind !== 'open');

  const move = (card: KanbanCard, stage: StageRead) => {
    if (card.stage_id === stage.id) return;
    const deal: MovableDeal = { id: card.id, name: card.name, version: card.version };
    requestMove(deal, stage);
  };
  /** The card dropped: the one the drag carries (by id), else the one whose drag started here. */
  const dropOn = (stage: StageRead, draggedId: string | null) => {
    const card = (draggedId ? cards.find((c) => c.id === draggedId) : undefined) ?? dragged.current;
    dragged.current = null;
    if (card) move(card, stage);
  };

  if (board.isPending) return <Skeleton active />;
  if (board.isError) return <QueryError error={board.error} onRetry={() => void board.refetch()} />;
  return (
    <>
      {moreError !== null && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={problemMessage(problemOf(moreError), t)} />}
      {/* Won and lost are not columns (the board shows open deals): they are drop zones above it. */}
      {canMove && closing.length > 0 && (
        <Flex gap={12} style={{ marginBottom: 12 }}>
          {closing.map((stage) => (
            <ClosingZone key={stage.id} stage={stage} canMove={canMove} onDrop={dropOn} />
          ))}
        </Flex>
      )}
      <Flex gap={12} align="flex-start" style={{ overflowX: 'auto', paddingBottom: 8 }} data-testid="deal-board">
        {columns.map((column) => (
          <BoardColumn
            key={column.stage.id}
            column={column}
            canMove={canMove}
            onDrop={dropOn}
            loadingMore={loadingColumn === column.stage.id}
            onLoadMore={() => void loadMore(column.stage.id)}
            renderCard={(card) => (
              <DealCard
                key={card.id}
                card={card}
                stages={pipeline.stages}
                canMove={canMove}
                pending={pendingDealId === card.id}
                ownerName={ownerName}
                onDragStart={(c) => (dragged.current = c)}
                onMove={move}
              />
            )}
          />
        ))}
      </Flex>
      {dialogs}
    </>
  );
}

export function DealBoardPage() {
  const { t } = useTranslation();
  const pipelines = usePipelines();
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const list = pipelines.data ?? [];
  const pipeline = list.find((p) => p.id === chosen) ?? list.find((p) => p.is_default) ?? list[0];

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('deals.board.title')}</Typography.Title>}
      extra={
        <Space wrap>
          <Select
            style={{ minWidth: 200 }}
            data-testid="deal-board-pipeline"
            aria-label={t('deals.fields.pipeline')}
            value={pipeline?.id}
            loading={pipelines.isPending}
            onChange={setChosen}
            options={list.map((p) => ({ value: p.id, label: p.is_default ? `${p.name} (${t('deals.pipelines.default')})` : p.name }))}
          />
          <Link to="/deals">
            <UnorderedListOutlined /> {t('deals.board.openList')}
          </Link>
        </Space>
      }
    >
      {pipelines.isError ? (
        <QueryError error={pipelines.error} onRetry={() => void pipelines.refetch()} />
      ) : pipelines.isPending ? (
        <Skeleton active />
      ) : !pipeline ? (
        <Empty description={t('deals.board.noPipeline')} />
      ) : (
        <Board key={pipeline.id} pipeline={pipeline} />
      )}
    </Card>
  );
}
