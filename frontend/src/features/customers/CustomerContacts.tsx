import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Popconfirm, Space, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContactRead } from '../../api/types';
import { QueryError } from '../../components/QueryError';
import { problemMessage, problemOf } from '../../lib/problem';
import { useAuth } from '../auth/AuthContext';
import { useDeleteContact } from '../contacts/api';
import { ContactFormModal } from '../contacts/ContactFormModal';
import { useCustomerContacts } from './api';

type Editing = { contact?: ContactRead } | null;

export function CustomerContacts({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const canWrite = can('contacts:write');
  const contacts = useCustomerContacts(customerId, can('contacts:read'));
  const remove = useDeleteContact();
  const [editing, setEditing] = useState<Editing>(null);

  const onDelete = (contact: ContactRead) =>
    remove.mutate(
      { id: contact.id, customerId },
      {
        onSuccess: () => void message.success(t('common.deleted')),
        onError: (error) => void message.error(problemMessage(problemOf(error), t)),
      },
    );

  const columns: ColumnsType<ContactRead> = [
    {
      title: t('contacts.fields.name'),
      dataIndex: 'name',
      render: (name: string, contact) => (
        <Space>
          {name}
          {contact.is_primary && <Tag color="blue">{t('contacts.primary')}</Tag>}
        </Space>
      ),
    },
    { title: t('contacts.fields.title'), dataIndex: 'title' },
    { title: t('contacts.fields.phone'), dataIndex: 'phone' },
    { title: t('contacts.fields.email'), dataIndex: 'email' },
  ];
  if (canWrite) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 140,
      render: (_value, contact) => (
        <Space size="small">
          <Button type="link" size="small" onClick={() => setEditing({ contact })}>
            {t('common.edit')}
          </Button>
          <Popconfirm title={t('common.confirmDelete')} onConfirm={() => onDelete(contact)} okText={t('common.yes')} cancelText={t('common.no')}>
            <Button type="link" size="small" danger>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    });
  }

  if (!can('contacts:read')) return null;
  return (
    <Card
      title={t('contacts.title')}
      size="small"
      extra={
        canWrite && (
          <Button size="small" icon={<PlusOutlined />} onClick={() => setEditing({})} data-testid="add-contact">
            {t('contacts.add')}
          </Button>
        )
      }
    >
      {contacts.isError ? (
        <QueryError error={contacts.error} onRetry={() => void contacts.refetch()} />
      ) : (
        <Table<ContactRead>
          data-testid="customer-contacts"
          rowKey="id"
          size="small"
          pagination={false}
          loading={contacts.isPending}
          columns={columns}
          dataSource={contacts.data?.items ?? []}
          locale={{ emptyText: t('contacts.empty') }}
        />
      )}
      {editing && <ContactFormModal customerId={customerId} contact={editing.contact} onClose={() => setEditing(null)} />}
    </Card>
  );
}
