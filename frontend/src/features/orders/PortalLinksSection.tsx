import { LinkOutlined } from '@ant-design/icons';
import { Alert, App, Button, InputNumber, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PortalLinkRead } from '../../api/types';
import { QueryError } from '../../components/QueryError';
import { problemMessage, problemOf } from '../../lib/problem';
import { useAuth } from '../auth/AuthContext';
import { time } from '../../lib/dates';
import { portalPageUrl, useCreatePortalLink, usePortalLinks, useRevokePortalLink } from './api';

/** Read-only links for the customer: the token is shown once, right after creating it. */
export function PortalLinksSection({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const links = usePortalLinks(orderId);
  const create = useCreatePortalLink(orderId);
  const revoke = useRevokePortalLink(orderId);
  const [days, setDays] = useState<number | null>(null);
  const [createdUrl, setCreatedUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const writable = can('contracts:write');

  const state = (link: PortalLinkRead) => {
    if (link.revoked_at) return <Tag color="red">{t('orders.portal.revoked')}</Tag>;
    if (dayjs(link.expires_at).isBefore(dayjs())) return <Tag>{t('orders.portal.expired')}</Tag>;
    return <Tag color="green">{t('orders.portal.active')}</Tag>;
  };
  const columns: ColumnsType<PortalLinkRead> = [
    { title: t('orders.portal.createdAt'), dataIndex: 'created_at', render: time },
    { title: t('orders.portal.expiresAt'), dataIndex: 'expires_at', render: time },
    { title: t('orders.portal.state'), key: 'state', render: (_, link) => state(link) },
    { title: t('orders.portal.lastUsed'), dataIndex: 'last_used_at', render: time },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, link) =>
        writable && !link.revoked_at && dayjs(link.expires_at).isAfter(dayjs()) ? (
          <Popconfirm
            title={t('orders.portal.revokeConfirm')}
            okText={t('orders.portal.revoke')}
            cancelText={t('common.cancel')}
            onConfirm={() => {
              setError(null);
              revoke.mutate(link.id, {
                onSuccess: () => void message.success(t('orders.portal.revokedDone')),
                onError: (e) => setError(problemMessage(problemOf(e), t)),
              });
            }}
          >
            <Button size="small" danger data-testid="order-portal-revoke">
              {t('orders.portal.revoke')}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginTop: 24 }} wrap>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('orders.portal.title')}
        </Typography.Title>
        {writable && (
          <Space>
            <InputNumber<number>
              min={1}
              max={365}
              precision={0}
              value={days}
              onChange={setDays}
              placeholder={t('orders.portal.daysPlaceholder')}
              style={{ width: 180 }}
              data-testid="order-portal-days"
            />
            <Button
              icon={<LinkOutlined />}
              loading={create.isPending}
              data-testid="order-portal-create"
              onClick={() => {
                setError(null);
                setCreatedUrl(null);
                create.mutate(days, {
                  onSuccess: (created) => setCreatedUrl(portalPageUrl(created.token)),
                  onError: (e) => setError(problemMessage(problemOf(e), t)),
                });
              }}
            >
              {t('orders.portal.create')}
            </Button>
          </Space>
        )}
      </Space>
      {error && <Alert type="error" showIcon closable style={{ margin: '12px 0' }} title={error} data-testid="order-portal-error" onClose={() => setError(null)} />}
      {createdUrl && (
        <Alert
          type="success"
          showIcon
          closable
          style={{ margin: '12px 0' }}
          onClose={() => setCreatedUrl(null)}
          title={t('orders.portal.createdOnce')}
          description={
            <Typography.Text copyable={{ text: createdUrl, tooltips: [t('orders.portal.copy'), t('orders.portal.copied')] }} data-testid="order-portal-url">
              {createdUrl}
            </Typography.Text>
          }
        />
      )}
      {links.isError ? (
        <QueryError error={links.error} onRetry={() => void links.refetch()} />
      ) : (
        <Table<PortalLinkRead>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={links.data ?? []}
          loading={links.isPending}
          pagination={false}
          data-testid="order-portal-links"
          locale={{ emptyText: t('orders.portal.none') }}
        />
      )}
    </>
  );
}
