import { Descriptions, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CustomFieldRead } from '../../api/types';
import { useAllUsers } from '../admin/api';
import { fieldLabel, optionLabel } from './api';

function Value({ field, value }: { field: CustomFieldRead; value: unknown }) {
  const { t, i18n } = useTranslation();
  const users = useAllUsers(field.field_type === 'user');
  if (value === undefined || value === null || value === '') return null;
  switch (field.field_type) {
    case 'boolean':
      return <>{value ? t('common.yes') : t('common.no')}</>;
    case 'select':
      return <>{optionLabel(field, String(value), i18n.language)}</>;
    case 'multi_select':
      return (
        <>
          {(Array.isArray(value) ? value : [value]).map((item) => (
            <Tag key={String(item)}>{optionLabel(field, String(item), i18n.language)}</Tag>
          ))}
        </>
      );
    case 'user': {
      const user = users.data?.find((candidate) => candidate.id === value);
      return <>{user ? user.full_name || user.email : String(value)}</>;
    }
    default:
      return <>{String(value)}</>;
  }
}

/** The values of the given custom fields, as a description list (nothing when none are defined). */
export function CustomFieldValues({ fields, values }: { fields: CustomFieldRead[]; values: Record<string, unknown> }) {
  const { t, i18n } = useTranslation();
  if (fields.length === 0) return null;
  return (
    <div data-testid="custom-field-values">
      <Descriptions
      size="small"
      bordered
      column={{ xs: 1, md: 2, xl: 3 }}
      title={t('customFields.title')}
      style={{ marginTop: 16 }}
      items={fields.map((field) => ({
        key: field.key,
        label: fieldLabel(field, i18n.language),
        children: <Value field={field} value={values[field.key]} />,
      }))}
      />
    </div>
  );
}
