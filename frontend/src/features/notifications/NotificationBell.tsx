import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, Flex, Popover, Spin, Typography } from 'antd';
import type { TFunction } from 'i18next';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { NotificationRead } from '../../api/types';
import { useAuth } from '../auth/AuthContext';
import { useLatestNotifications, useMarkAllRead, useMarkRead, useUnreadCount } from './api';

/** The message in the reader's language, from the kind and its data; the server's title otherwise. */
export function notificationText(note: NotificationRead, t: TFunction): string {
  return t(`notifications.kinds.${note.kind}`, { ...note.data, defaultValue: note.title });
}

function NotificationList({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const latest = useLatestNotifications(true);
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();
  const items = latest.data?.items ?? [];

  const open = (note: NotificationRead) => {
    if (!note.read_at) markRead.mutate(note.id);
    if (note.link) {
      navigate(note.link);
      onDone();
    }
  };

  return (
    <div style={{ width: 340, maxHeight: 420, overflowY: 'auto' }} data-testid="notification-list">
      <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
        <Typography.Text strong>{t('notifications.title')}</Typography.Text>
        <Button size="small" type="link" onClick={() => markAll.mutate()} loading={markAll.isPending} disabled={!items.some((n) => !n.read_at)} data-testid="mark-all-read">
          {t('notifications.markAllRead')}
        </Button>
      </Flex>
      {latest.isPending ? (
        <Spin />
      ) : items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
      ) : (
        items.map((note) => (
          <div
            key={note.id}
            role="button"
            tabIndex={0}
            data-testid="notification-item"
            data-unread={!note.read_at}
            onClick={() => open(note)}
            onKeyDown={(event) => event.key === 'Enter' && open(note)}
            style={{ padding: '6px 4px', cursor: 'pointer', borderBottom: '1px solid #f0f0f0' }}
          >
            <Flex gap={8} align="baseline">
              <Badge status={note.read_at ? 'default' : 'processing'} />
              <div style={{ flex: 1 }}>
                <Typography.Text strong={!note.read_at}>{notificationText(note, t)}</Typography.Text>
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {dayjs(note.created_at).format('YYYY-MM-DD HH:mm')}
                  </Typography.Text>
                </div>
              </div>
            </Flex>
          </div>
        ))
      )}
    </div>
  );
}

/** The header's bell: the unread count, and the latest notifications in a popover. */
export function NotificationBell() {
  const { t } = useTranslation();
  const { signedIn } = useAuth();
  const [open, setOpen] = useState(false);
  const unread = useUnreadCount(signedIn);
  const count = unread.data?.unread ?? 0;
  return (
    <Badge count={count} size="small" data-testid="notification-count">
      <Popover
        open={open}
        onOpenChange={setOpen}
        trigger="click"
        placement="bottomRight"
        destroyOnHidden
        content={<NotificationList onDone={() => setOpen(false)} />}
      >
        <Button type="text" icon={<BellOutlined />} aria-label={t('notifications.title')} data-testid="notification-bell" />
      </Popover>
    </Badge>
  );
}
