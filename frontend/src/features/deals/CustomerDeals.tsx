import { PlusOutlined } from '@ant-design/icons';
import { Button, Flex } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { useAuth } from '../auth/AuthContext';
import { useCustomer } from '../customers/api';
import { useCustomerDealList } from './api';
import { DealFormModal } from './DealFormModal';
import { DealTable } from './DealTable';

/** The deals of one customer (a tab of the customer page), with "New deal" for this customer. */
export function CustomerDeals({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [creating, setCreating] = useState(false);
  const list = useCustomerDealList(customerId);
  const customer = useCustomer(customerId); // cached by the customer page
  return (
    <Flex vertical gap={8} data-testid="customer-deals">
      {can('deals:write') && (
        <Flex justify="flex-end">
          <Button type="primary" size="small" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="customer-deal-new">
            {t('deals.new')}
          </Button>
        </Flex>
      )}
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <DealTable rows={list.rows} loading={list.loading} testId="customer-deal" showCustomer={false} emptyText={t('deals.customer.none')} />
          {list.hasNextPage && (
            <LoadMore shown={list.rows.length} total={list.total} hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoadMore={() => void list.fetchNextPage()} />
          )}
        </>
      )}
      {creating && <DealFormModal customer={{ id: customerId, name: customer.data?.name ?? '' }} onClose={() => setCreating(false)} />}
    </Flex>
  );
}
