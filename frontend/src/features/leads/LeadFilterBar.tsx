import { Input, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { LeadGrade, LeadStatus } from '../../api/types';
import { LEAD_GRADES, LEAD_STATUSES, type LeadFilters } from './api';

interface LeadFilterBarProps {
  filters: LeadFilters;
  onChange: (filters: LeadFilters) => void;
  statuses?: readonly LeadStatus[];
}

export function LeadFilterBar({ filters, onChange, statuses = LEAD_STATUSES }: LeadFilterBarProps) {
  const { t } = useTranslation();
  return (
    <Space wrap style={{ marginBottom: 12 }}>
      <Input.Search
        allowClear
        style={{ width: 260 }}
        placeholder={t('leads.searchPlaceholder')}
        data-testid="lead-search"
        onSearch={(value) => onChange({ ...filters, q: value.trim() || undefined })}
      />
      <Select
        allowClear
        style={{ width: 160 }}
        placeholder={t('leads.fields.status')}
        data-testid="lead-status-filter"
        value={filters.status}
        onChange={(status?: LeadStatus) => onChange({ ...filters, status })}
        options={statuses.map((s) => ({ value: s, label: t(`leads.status.${s}`) }))}
      />
      <Select
        allowClear
        style={{ width: 120 }}
        placeholder={t('leads.fields.grade')}
        data-testid="lead-grade-filter"
        value={filters.grade}
        onChange={(grade?: LeadGrade) => onChange({ ...filters, grade })}
        options={LEAD_GRADES.map((g) => ({ value: g, label: t(`leads.grade.${g}`) }))}
      />
      <Input.Search
        allowClear
        style={{ width: 180 }}
        placeholder={t('leads.fields.source')}
        data-testid="lead-source-filter"
        onSearch={(value) => onChange({ ...filters, source: value.trim() || undefined })}
      />
    </Space>
  );
}
