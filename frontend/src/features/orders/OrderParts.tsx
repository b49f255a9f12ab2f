import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { OrderStatus } from '../../api/types';
import { ORDER_STATUS_COLORS } from './api';

export function OrderStatusTag({ status, testId }: { status: OrderStatus; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={ORDER_STATUS_COLORS[status]} data-testid={testId}>
      {t(`orders.status.${status}`, { defaultValue: status })}
    </Tag>
  );
}
