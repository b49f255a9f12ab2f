import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { QuoteStatus } from '../../api/types';

export const QUOTE_STATUS_COLORS: Record<QuoteStatus, string> = {
  draft: 'default',
  pending_approval: 'gold',
  approved: 'green',
  rejected: 'red',
  sent: 'blue',
  accepted: 'purple',
  superseded: 'default',
};

export function QuoteStatusTag({ status, testId = 'quote-status' }: { status: QuoteStatus; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={QUOTE_STATUS_COLORS[status]} data-testid={testId}>
      {t(`quotes.status.${status}`, { defaultValue: status })}
    </Tag>
  );
}
