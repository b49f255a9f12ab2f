import { Card, Input, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ContactRead } from '../../api/types';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { ExportButton } from '../exports/ExportButton';
import { CONTACT_LIST_SORT, useContactList } from './api';

export function ContactListPage() {
  const { t } = useTranslation();
  const [q, setQ] = useState<string>();
  const list = useContactList(q);

  const columns: ColumnsType<ContactRead> = [
    {
      title: t('contacts.fields.name'),
      dataIndex: 'name',
      render: (name: string, contact) => (
        <>
          {name} {contact.is_primary && <Tag color="blue">{t('contacts.primary')}</Tag>}
        </>
      ),
    },
    { title: t('contacts.fields.title'), dataIndex: 'title' },
    { title: t('contacts.fields.phone'), dataIndex: 'phone' },
    { title: t('contacts.fields.email'), dataIndex: 'email' },
    {
      title: t('contacts.fields.customer'),
      dataIndex: 'customer_id',
      render: (customerId: string) => <Link to={`/customers/${customerId}`}>{t('contacts.fields.customer')}</Link>,
    },
  ];

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('contacts.title')}</Typography.Title>}
      extra={<ExportButton objectType="contacts" filters={{ q, sort: CONTACT_LIST_SORT }} />}
    >
      <Input.Search
        allowClear
        style={{ width: 280, marginBottom: 12 }}
        placeholder={t('contacts.searchPlaceholder')}
        onSearch={(value) => setQ(value.trim() || undefined)}
      />
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Table<ContactRead>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={list.rows}
            loading={list.loading}
            pagination={false}
          />
          <LoadMore
            shown={list.rows.length}
            total={list.total}
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoadMore={() => void list.fetchNextPage()}
          />
        </>
      )}
    </Card>
  );
}
