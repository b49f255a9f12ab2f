import { Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { QuoteSummary } from '../../api/types';
import { formatMoney, formatPercent } from '../../lib/money';
import { QuoteStatusTag } from './QuoteStatusTag';

interface QuoteTableProps {
  rows: QuoteSummary[];
  loading: boolean;
  testId: string;
  showDeal?: boolean;
}

export function QuoteTable({ rows, loading, testId, showDeal = false }: QuoteTableProps) {
  const { t, i18n } = useTranslation();
  const columns: ColumnsType<QuoteSummary> = [
    {
      title: t('quotes.fields.number'),
      key: 'number',
      render: (_: unknown, quote) => (
        <Link to={`/quotes/${quote.id}`} data-testid={`${testId}-open`}>
          {t('quotes.titleN', { number: quote.number, revision: quote.revision })}
        </Link>
      ),
    },
    { title: t('quotes.fields.status'), dataIndex: 'status', render: (_: unknown, quote) => <QuoteStatusTag status={quote.status} testId={`${testId}-status`} /> },
    {
      title: t('quotes.totals.total'),
      dataIndex: 'total',
      align: 'right',
      render: (total: string, quote) => <span data-testid={`${testId}-total`}>{formatMoney(total, quote.currency, i18n.language)}</span>,
    },
    { title: t('quotes.totals.effective_discount'), dataIndex: 'effective_discount_percent', render: (value: string) => formatPercent(value) },
    { title: t('quotes.fields.valid_until'), dataIndex: 'valid_until', render: (value: string | null) => value ?? '—' },
    { title: t('quotes.fields.created_at'), dataIndex: 'created_at', render: (value: string) => dayjs(value).format('YYYY-MM-DD HH:mm') },
  ];
  if (showDeal) {
    columns.splice(1, 0, {
      title: t('quotes.fields.deal'),
      dataIndex: 'deal_id',
      render: (dealId: string) => <Link to={`/deals/${dealId}`}>{t('quotes.openDeal')}</Link>,
    });
  }
  return <Table<QuoteSummary> rowKey="id" size="small" columns={columns} dataSource={rows} loading={loading} pagination={false} data-testid={testId} />;
}
