import { Alert, Card, Flex, Select, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { outcomeFor, type DateColumnReport, type DateOrderChoice, type DuplicateDefaults, type PreviewSummary } from './mapping';

const ORDERS: DateOrderChoice[] = ['day_first', 'month_first'];

function DateColumn({
  report,
  onChoose,
  busy,
}: {
  report: DateColumnReport;
  onChoose: (column: number, order: DateOrderChoice) => void;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const choice = (
    <Select<DateOrderChoice>
      data-testid={`date-order-${report.column}`}
      aria-label={t('imports.dates.choose', { header: report.header })}
      // Fills a phone's width; a fixed width elsewhere.
      style={{ width: '100%', maxWidth: 300 }}
      status={report.needs_choice ? 'warning' : undefined}
      placeholder={t('imports.dates.placeholder')}
      value={report.order ?? undefined}
      disabled={busy}
      loading={busy}
      onChange={(order) => onChoose(report.column, order)}
      options={ORDERS.map((order) => ({ value: order, label: t(`imports.mapping.${order === 'day_first' ? 'dayFirst' : 'monthFirst'}`) }))}
    />
  );
  const heading = (
    <Flex gap={4} wrap align="baseline">
      <Typography.Text strong>{report.header}</Typography.Text>
      <Typography.Text type="secondary">→ {report.field}</Typography.Text>
      {report.order && <Tag color="blue">{t(`imports.dates.applied.${report.order}`)}</Tag>}
    </Flex>
  );
  const detected = <Typography.Text type="secondary">{t(`imports.dates.detected.${report.detected}`, { defaultValue: report.detected })}</Typography.Text>;
  if (report.needs_choice) {
    return (
      <Alert
        type="warning"
        showIcon
        data-testid={`date-column-${report.column}`}
        title={heading}
        description={
          <Flex vertical gap={8}>
            {detected}
            <Typography.Text>{t('imports.dates.needsChoice')}</Typography.Text>
            {choice}
          </Flex>
        }
      />
    );
  }
  return (
    <Flex vertical gap={4} data-testid={`date-column-${report.column}`}>
      {heading}
      {detected}
      {choice}
    </Flex>
  );
}

/**
 * The date columns whose 05/03/2024 dates read two ways: what each column's values showed, the
 * order applied, and a choice per column that previews the file again with it.
 */
export function DateColumns({
  columns,
  onChoose,
  busy,
}: {
  columns: DateColumnReport[];
  onChoose: (column: number, order: DateOrderChoice) => void;
  busy: boolean;
}) {
  const { t } = useTranslation();
  if (columns.length === 0) return null;
  return (
    <Card size="small" title={t('imports.dates.title')} data-testid="date-columns">
      <Flex vertical gap={12}>
        <Typography.Text type="secondary">{t('imports.dates.hint')}</Typography.Text>
        {columns.map((report) => (
          <DateColumn key={report.column} report={report} onChoose={onChoose} busy={busy} />
        ))}
      </Flex>
    </Card>
  );
}

/** What the commit will write with the chosen defaults, from the preview's `outcomes`. */
export function CommitOutcomeLine({ summary, defaults, decided }: { summary: PreviewSummary; defaults: DuplicateDefaults; decided: number }) {
  const { t } = useTranslation();
  const outcome = outcomeFor(summary, defaults);
  if (!outcome) return null;
  return (
    <Alert
      type="info"
      showIcon
      data-testid="commit-outcome"
      title={t('imports.outcome.line', { created: outcome.created, updated: outcome.updated, skipped: outcome.skipped })}
      // The outcomes are counted per default; a row decided one by one may move between them.
      description={decided > 0 ? t('imports.outcome.beforeDecisions', { count: decided }) : undefined}
    />
  );
}
