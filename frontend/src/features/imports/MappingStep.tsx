import { Alert, Flex, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { useTranslation } from 'react-i18next';
import type { ImportColumn, ImportFieldRead, ImportOptions } from '../../api/types';
import { mappedTwice, missingRequired, requestMapping, type ColumnMapping } from './mapping';

/** The Select's value for "do not import" (a Select cannot hold null as a choice). */
const SKIP = '__skip__';

/** Regions offered for phone numbers written without a country code (ISO 3166). */
const PHONE_REGIONS = ['CN', 'HK', 'MO', 'TW', 'SG', 'MY', 'JP', 'KR', 'US', 'CA', 'GB', 'DE', 'FR', 'AU'];

interface Props {
  columns: ImportColumn[];
  fields: ImportFieldRead[];
  mapping: ColumnMapping;
  onMappingChange: (mapping: ColumnMapping) => void;
  options: ImportOptions;
  onOptionsChange: (options: ImportOptions) => void;
}

/** The messages that keep the preview from starting (empty: the mapping is complete). */
export function useMappingProblems(mapping: ColumnMapping, fields: ImportFieldRead[]): string[] {
  const { t } = useTranslation();
  const labelOf = (key: string) => fields.find((field) => field.key === key)?.label ?? key;
  const problems: string[] = [];
  const missing = missingRequired(mapping, fields);
  if (missing.length > 0) problems.push(t('imports.mapping.missing', { fields: missing.map((field) => field.label).join(', ') }));
  const twice = mappedTwice(mapping);
  if (twice.length > 0) problems.push(t('imports.mapping.twice', { fields: twice.map(labelOf).join(', ') }));
  if (missing.length === 0 && Object.keys(requestMapping(mapping)).length === 0) problems.push(t('imports.mapping.nothing'));
  return problems;
}

/** Step 2: which field each column of the file goes to, and how to read phone numbers and dates. */
export function MappingStep({ columns, fields, mapping, onMappingChange, options, onOptionsChange }: Props) {
  const { t } = useTranslation();
  const problems = useMappingProblems(mapping, fields);
  const twice = new Set(mappedTwice(mapping));
  const mapped = new Set(Object.values(mapping));
  const fieldOptions = [
    { value: SKIP, label: t('imports.mapping.skip') },
    ...fields.map((field) => ({ value: field.key, label: field.required ? `${field.label} *` : field.label })),
  ];

  const tableColumns: ColumnsType<ImportColumn> = [
    {
      title: t('imports.mapping.column'),
      key: 'header',
      width: 200,
      render: (_, column) => <Typography.Text strong>{column.header}</Typography.Text>,
    },
    {
      title: t('imports.mapping.field'),
      key: 'field',
      width: 240,
      render: (_, column) => {
        const value = mapping[String(column.index)] ?? null;
        return (
          <Select<string>
            data-testid={`map-${column.index}`}
            aria-label={column.header}
            style={{ width: '100%' }}
            showSearch={{ optionFilterProp: 'label' }}
            status={value && twice.has(value) ? 'error' : undefined}
            value={value ?? SKIP}
            options={fieldOptions}
            onChange={(next) => onMappingChange({ ...mapping, [String(column.index)]: next === SKIP ? null : next })}
          />
        );
      },
    },
    {
      title: t('imports.mapping.sample'),
      key: 'sample',
      render: (_, column) => (
        <Flex gap={4} wrap>
          {column.sample
            .filter((value): value is string => Boolean(value))
            .map((value, index) => (
              <Tag key={index} style={{ maxWidth: 180, overflow: 'hidden', textOverflow: 'ellipsis' }} title={value}>
                {value}
              </Tag>
            ))}
        </Flex>
      ),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <Space wrap data-testid="required-fields">
        <Typography.Text>{t('imports.mapping.required')}</Typography.Text>
        {fields
          .filter((field) => field.required)
          .map((field) => (
            <Tag key={field.key} color={mapped.has(field.key) ? 'green' : 'red'}>
              {field.label}
            </Tag>
          ))}
      </Space>
      <Table<ImportColumn>
        data-testid="mapping-table"
        rowKey="index"
        size="small"
        columns={tableColumns}
        dataSource={columns}
        pagination={false}
        scroll={{ x: 'max-content' }}
      />
      {problems.length > 0 && (
        <Alert type="error" showIcon data-testid="mapping-problems" title={problems.map((problem) => <div key={problem}>{problem}</div>)} />
      )}
      <Space wrap size="large">
        <Space>
          <Typography.Text>{t('imports.mapping.phoneRegion')}</Typography.Text>
          <Select<string>
            data-testid="phone-region"
            allowClear
            showSearch
            style={{ width: 170 }}
            placeholder={t('imports.mapping.phoneRegionDefault')}
            value={options.phone_region ?? undefined}
            onChange={(value) => onOptionsChange({ ...options, phone_region: value ?? null })}
            options={PHONE_REGIONS.map((region) => ({ value: region, label: region }))}
          />
        </Space>
        <Space wrap>
          <Typography.Text>{t('imports.mapping.dateOrder')}</Typography.Text>
          <Select
            data-testid="day-first"
            style={{ width: 260 }}
            value={options.day_first == null ? 'detect' : options.day_first ? 'day_first' : 'month_first'}
            onChange={(value: string) => onOptionsChange({ ...options, day_first: value === 'detect' ? null : value === 'day_first' })}
            options={[
              { value: 'detect', label: t('imports.mapping.dateOrderDetect') },
              { value: 'day_first', label: t('imports.mapping.dayFirst') },
              { value: 'month_first', label: t('imports.mapping.monthFirst') },
            ]}
          />
        </Space>
      </Space>
    </Flex>
  );
}
