import { List, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { QueryError } from '../../components/QueryError';
import { useAuth } from '../auth/AuthContext';
import { useContractList } from './api';
import { ContractStatusTag, Money } from './parts';

/** The contracts of one deal (for the deal detail page), each linking to its page. */
export function DealContracts({ dealId }: { dealId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const list = useContractList({ deal_id: dealId });
  if (!can('contracts:read')) return null;
  if (list.isError) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <List
      size="small"
      data-testid="deal-contracts"
      header={<Typography.Text strong>{t('contracts.deal.title')}</Typography.Text>}
      loading={list.loading}
      locale={{ emptyText: t('contracts.deal.none') }}
      dataSource={list.rows}
      renderItem={(contract) => (
        <List.Item data-testid="deal-contract-row">
          <Space>
            <Link to={`/contracts/${contract.id}`}>{contract.number}</Link>
            <Typography.Text type="secondary">{contract.title}</Typography.Text>
          </Space>
          <Space>
            <ContractStatusTag status={contract.status} />
            <Money value={contract.total} currency={contract.currency} />
          </Space>
        </List.Item>
      )}
    />
  );
}
