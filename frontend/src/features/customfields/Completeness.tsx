import { Progress, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CustomFieldRead } from '../../api/types';
import { fieldLabel } from './api';

export interface CompletenessValue {
  score: number;
  missing: string[];
}

/** A field name of a completeness rule in words: a standard field's label, or a custom field's. */
export function useRuleFieldLabel(fields: CustomFieldRead[], standardPrefix = 'customers.fields') {
  const { t, i18n } = useTranslation();
  return (name: string) => {
    if (name.startsWith('cf.')) {
      const field = fields.find((candidate) => candidate.key === name.slice(3));
      return field ? fieldLabel(field, i18n.language) : name.slice(3);
    }
    return t(`${standardPrefix}.${name}`, { defaultValue: name });
  };
}

function strokeColor(score: number): string {
  if (score >= 80) return '#52c41a';
  if (score >= 50) return '#faad14';
  return '#ff4d4f';
}

/** The completeness score of a record and the important fields it is missing. */
export function Completeness({ value, fields }: { value: CompletenessValue | null | undefined; fields: CustomFieldRead[] }) {
  const { t } = useTranslation();
  const label = useRuleFieldLabel(fields);
  if (!value) return null;
  return (
    <Space align="start" data-testid="completeness">
      <Progress type="circle" size={56} percent={value.score} strokeColor={strokeColor(value.score)} format={(p) => `${p ?? 0}`} />
      <div>
        <Typography.Text strong>{t('completeness.title')}</Typography.Text>
        <div>
          {value.missing.length === 0 ? (
            <Typography.Text type="secondary">{t('completeness.allFilled')}</Typography.Text>
          ) : (
            <>
              <Typography.Text type="secondary">{t('completeness.missing')} </Typography.Text>
              {value.missing.map((name) => (
                <Tag key={name} color="warning" data-testid={`missing-${name}`}>
                  {label(name)}
                </Tag>
              ))}
            </>
          )}
        </div>
      </div>
    </Space>
  );
}
