import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, EditOutlined, PlusOutlined, StarOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Flex, Popconfirm, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { PipelineRead, StageRead } from '../../api/types';
import { QueryError } from '../../components/QueryError';
import { problemMessage, problemOf } from '../../lib/problem';
import { attachmentCategoryLabel } from '../attachments/AttachmentsCard';
import { useDeletePipeline, useDeleteStage, usePipelines, useSavePipeline, useSaveStage } from './api';
import { dealFieldLabel } from './format';
import { PipelineFormModal, StageFormModal, triggerLabel } from './PipelineModals';

const KIND_COLORS: Record<string, string> = { open: 'blue', won: 'green', lost: 'red' };

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function PipelineCard({ pipeline }: { pipeline: PipelineRead }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [dialog, setDialog] = useState<{ kind: 'pipeline' } | { kind: 'stage'; stage?: StageRead } | null>(null);
  const savePipeline = useSavePipeline();
  const removePipeline = useDeletePipeline();
  const saveStage = useSaveStage(pipeline.id);
  const removeStage = useDeleteStage(pipeline.id);
  const fail = (error: unknown) => void message.error(problemMessage(problemOf(error), t));

  const reorder = (stage: StageRead, position: number) =>
    saveStage.mutate({ kind: 'update', id: stage.id, body: { position, version: stage.version } }, { onError: fail });

  const columns: ColumnsType<StageRead> = [
    { title: t('deals.pipelines.position'), dataIndex: 'position', width: 70 },
    { title: t('deals.pipelines.stageName'), dataIndex: 'name', render: (name: string) => <span data-testid="pipeline-stage-name">{name}</span> },
    { title: t('deals.pipelines.key'), dataIndex: 'key', render: (key: string) => <Typography.Text code>{key}</Typography.Text> },
    { title: t('deals.pipelines.kind'), dataIndex: 'kind', render: (kind: string) => <Tag color={KIND_COLORS[kind]}>{t(`deals.pipelines.kinds.${kind}`)}</Tag> },
    { title: t('deals.pipelines.probability'), dataIndex: 'probability', render: (value: number) => `${value}%` },
    {
      title: t('deals.pipelines.gate'),
      key: 'gate',
      render: (_: unknown, stage) => (
        <Flex gap={4} wrap>
          {list(stage.gate.required_fields).map((field) => (
            <Tag key={`f-${field}`}>{dealFieldLabel(field, t)}</Tag>
          ))}
          {list(stage.gate.required_attachments).map((category) => (
            <Tag key={`a-${category}`} color="gold">
              {attachmentCategoryLabel(category, t)}
            </Tag>
          ))}
        </Flex>
      ),
    },
    {
      title: t('deals.pipelines.triggers'),
      key: 'triggers',
      render: (_: unknown, stage) => (
        <Flex gap={4} wrap>
          {stage.triggers.map((trigger, index) => (
            <Tag key={index} color="purple">
              {triggerLabel(String(trigger.type ?? ''), t)}
            </Tag>
          ))}
        </Flex>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, stage, index) => (
        <Space size={4}>
          <Button size="small" icon={<ArrowUpOutlined />} aria-label={t('deals.pipelines.moveUp')} disabled={index === 0} onClick={() => reorder(stage, stage.position - 1)} data-testid="stage-up" />
          <Button
            size="small"
            icon={<ArrowDownOutlined />}
            aria-label={t('deals.pipelines.moveDown')}
            disabled={index === pipeline.stages.length - 1}
            onClick={() => reorder(stage, stage.position + 1)}
            data-testid="stage-down"
          />
          <Button size="small" icon={<EditOutlined />} aria-label={t('common.edit')} onClick={() => setDialog({ kind: 'stage', stage })} data-testid="stage-edit" />
          <Popconfirm
            title={t('deals.pipelines.confirmDeleteStage')}
            okText={t('common.yes')}
            cancelText={t('common.no')}
            onConfirm={() => removeStage.mutate(stage.id, { onSuccess: () => void message.success(t('deals.pipelines.stageDeleted')), onError: fail })}
          >
            <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="stage-delete" />
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Card
      size="small"
      data-testid="pipeline-card"
      title={
        <Space>
          <span data-testid="pipeline-title">{pipeline.name}</span>
          {pipeline.is_default && <Tag color="blue">{t('deals.pipelines.default')}</Tag>}
          {!pipeline.active && <Tag>{t('deals.pipelines.inactive')}</Tag>}
        </Space>
      }
      extra={
        <Space wrap>
          {!pipeline.is_default && (
            <Button
              size="small"
              icon={<StarOutlined />}
              loading={savePipeline.isPending}
              onClick={() => savePipeline.mutate({ kind: 'update', id: pipeline.id, body: { is_default: true, version: pipeline.version } }, { onError: fail })}
              data-testid="pipeline-make-default"
            >
              {t('deals.pipelines.makeDefault')}
            </Button>
          )}
          <Button size="small" icon={<EditOutlined />} onClick={() => setDialog({ kind: 'pipeline' })} data-testid="pipeline-edit">
            {t('common.edit')}
          </Button>
          {!pipeline.is_default && (
            <Popconfirm
              title={t('deals.pipelines.confirmDelete')}
              okText={t('common.yes')}
              cancelText={t('common.no')}
              onConfirm={() => removePipeline.mutate(pipeline.id, { onSuccess: () => void message.success(t('deals.pipelines.deleted')), onError: fail })}
            >
              <Button size="small" danger icon={<DeleteOutlined />} data-testid="pipeline-delete">
                {t('common.delete')}
              </Button>
            </Popconfirm>
          )}
          <Button size="small" type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ kind: 'stage' })} data-testid="pipeline-add-stage">
            {t('deals.pipelines.addStage')}
          </Button>
        </Space>
      }
    >
      <Table<StageRead>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={pipeline.stages}
        pagination={false}
        scroll={{ x: true }}
        onRow={() => ({ 'data-testid': 'pipeline-stage-row' }) as HTMLAttributes<HTMLElement>}
      />
      {dialog?.kind === 'pipeline' && <PipelineFormModal pipeline={pipeline} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'stage' && <StageFormModal pipeline={pipeline} stage={dialog.stage} onClose={() => setDialog(null)} />}
    </Card>
  );
}

/** Pipelines and their stages: order, probability, kind, gate and triggers (admin:settings). */
export function PipelinesAdminPage() {
  const { t } = useTranslation();
  const pipelines = usePipelines(true);
  const [creating, setCreating] = useState(false);
  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('deals.pipelines.title')}</Typography.Title>}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="pipelines-new">
          {t('deals.pipelines.new')}
        </Button>
      }
    >
      {pipelines.isPending ? (
        <Skeleton active />
      ) : pipelines.isError ? (
        <QueryError error={pipelines.error} onRetry={() => void pipelines.refetch()} />
      ) : pipelines.data.length === 0 ? (
        <Empty description={t('deals.pipelines.none')} />
      ) : (
        <Flex vertical gap={16}>
          {pipelines.data.map((pipeline) => (
            <PipelineCard key={pipeline.id} pipeline={pipeline} />
          ))}
        </Flex>
      )}
      {creating && <PipelineFormModal onClose={() => setCreating(false)} />}
    </Card>
  );
}
