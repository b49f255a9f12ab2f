import { DeleteOutlined, DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Popconfirm, Select, Space, Table, Tag, Upload } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { TFunction } from 'i18next';
import dayjs from 'dayjs';
import { useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttachmentRead } from '../../api/types';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { problemMessage, problemOf, type Problem } from '../../lib/problem';
import { useUserName } from '../admin/userNames';
import { BASE_CATEGORIES, downloadAttachment, useAttachments, useDeleteAttachment, useUploadAttachment, type AttachmentParent } from './api';

export function attachmentCategoryLabel(category: string, t: TFunction): string {
  return t(`attachments.categories.${category}`, { defaultValue: category.replace(/_/g, ' ') });
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}

/** An upload refusal in words: too large (413), a refused type (415), or the server's detail. */
function uploadError(problem: Problem, t: TFunction): string {
  if (problem.status === 413) return t('attachments.tooLarge', { detail: problem.detail ?? '' });
  if (problem.status === 415) return t('attachments.refusedType', { detail: problem.detail ?? '' });
  const fieldErrors = problem.errors.map((e) => e.msg).filter(Boolean);
  return [problemMessage(problem, t), ...fieldErrors].join(' ');
}

interface AttachmentsCardProps {
  parentType: AttachmentParent;
  parentId: string;
  canWrite: boolean;
  /** Categories to offer besides the usual ones (e.g. those a stage gate requires). */
  extraCategories?: string[];
  title?: string;
}

/** A record's files: list, upload with a category, download, delete. */
export function AttachmentsCard({ parentType, parentId, canWrite, extraCategories = [], title }: AttachmentsCardProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = useAttachments(parentType, parentId);
  const upload = useUploadAttachment(parentType, parentId);
  const remove = useDeleteAttachment(parentType, parentId);
  const userName = useUserName();
  const categories = [...new Set<string>([...BASE_CATEGORIES, ...extraCategories])];
  const [category, setCategory] = useState<string>('general');
  const [error, setError] = useState<string | null>(null);

  const send = (file: File) => {
    setError(null);
    upload.mutate(
      { file, category },
      {
        onSuccess: () => void message.success(t('attachments.uploaded', { name: file.name })),
        onError: (failure) => setError(uploadError(problemOf(failure), t)),
      },
    );
  };

  const download = (item: AttachmentRead) =>
    downloadAttachment(item.id, item.filename).catch((failure: unknown) => void message.error(problemMessage(problemOf(failure), t)));

  const columns: ColumnsType<AttachmentRead> = [
    {
      title: t('attachments.file'),
      dataIndex: 'filename',
      render: (name: string, item) => (
        <Button type="link" size="small" icon={<DownloadOutlined />} onClick={() => void download(item)} data-testid="attachments-download" style={{ padding: 0 }}>
          {name}
        </Button>
      ),
    },
    { title: t('attachments.category'), dataIndex: 'category', render: (value: string) => <Tag data-testid="attachments-category">{attachmentCategoryLabel(value, t)}</Tag> },
    { title: t('attachments.size'), dataIndex: 'size', render: (size: number) => formatBytes(size) },
    { title: t('attachments.uploadedBy'), dataIndex: 'uploaded_by', render: (id: string | null) => (id ? userName(id) : '—') },
    { title: t('attachments.uploadedAt'), dataIndex: 'created_at', render: (value: string) => <span title={dayjs(value).format('YYYY-MM-DD HH:mm')}>{dayjs(value).format('YYYY-MM-DD')}</span> },
    ...(canWrite
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, item: AttachmentRead) => (
              <Popconfirm
                title={t('attachments.confirmDelete', { name: item.filename })}
                okText={t('common.yes')}
                cancelText={t('common.no')}
                onConfirm={() =>
                  remove.mutate(item.id, {
                    onSuccess: () => void message.success(t('common.deleted')),
                    onError: (failure) => void message.error(problemMessage(problemOf(failure), t)),
                  })
                }
              >
                <Button size="small" danger icon={<DeleteOutlined />} data-testid="attachments-delete" aria-label={t('common.delete')} />
              </Popconfirm>
            ),
          },
        ]
      : []),
  ];

  return (
    <Card
      size="small"
      title={title ?? t('attachments.title')}
      data-testid="attachments-card"
      extra={
        canWrite && (
          <Space wrap data-testid="attachments-upload">
            <Select
              size="small"
              style={{ minWidth: 180 }}
              value={category}
              onChange={setCategory}
              aria-label={t('attachments.category')}
              data-testid="attachments-category-select"
              options={categories.map((value) => ({ value, label: attachmentCategoryLabel(value, t) }))}
            />
            <Upload
              showUploadList={false}
              multiple={false}
              customRequest={({ file }) => send(file as File)}
              disabled={upload.isPending}
            >
              <Button size="small" icon={<UploadOutlined />} loading={upload.isPending} data-testid="attachments-upload-button">
                {t('attachments.upload')}
              </Button>
            </Upload>
          </Space>
        )
      }
    >
      {error && <Alert type="error" showIcon closable={{ onClose: () => setError(null) }} style={{ marginBottom: 12 }} title={error} data-testid="attachments-error" />}
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Table<AttachmentRead>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={list.rows}
            loading={list.loading}
            pagination={false}
            locale={{ emptyText: t('attachments.none') }}
            scroll={{ x: true }}
            onRow={() => ({ 'data-testid': 'attachments-row' }) as HTMLAttributes<HTMLElement>}
          />
          {list.hasNextPage && (
            <LoadMore shown={list.rows.length} total={list.total} hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoadMore={() => void list.fetchNextPage()} />
          )}
        </>
      )}
    </Card>
  );
}
