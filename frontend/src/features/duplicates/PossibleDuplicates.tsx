import { Alert, Flex, Form, Tag, Typography, type FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDuplicateCheck, type DuplicateProbe } from './api';

/** Reason tags of a duplicate candidate or group member. */
export function ReasonTags({ reasons }: { reasons: string[] }) {
  const { t } = useTranslation();
  return (
    <>
      {reasons.map((reason) => (
        <Tag key={reason} color={reason === 'name' ? 'gold' : 'red'}>
          {t(`duplicates.reason.${reason}`)}
        </Tag>
      ))}
    </>
  );
}

/**
 * "Possible duplicates" of the customer being entered: asked once typing pauses, shown above
 * the form before it is saved. Nothing is shown while there is nothing alike.
 */
export function PossibleDuplicates({ probe }: { probe: DuplicateProbe }) {
  const { t } = useTranslation();
  const check = useDuplicateCheck(probe);
  const result = check.data;
  if (!result || (result.candidates.length === 0 && !result.hidden_matches)) return null;
  return (
    <Flex vertical gap={8} style={{ marginBottom: 16 }} data-testid="possible-duplicates">
      {result.candidates.length > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t('duplicates.possible')}
          description={
            <>
              <Typography.Paragraph style={{ marginBottom: 8 }}>{t('duplicates.possibleHint')}</Typography.Paragraph>
              <Flex vertical gap={4}>
                {result.candidates.map((candidate) => (
                  <Flex key={candidate.customer.id} justify="space-between" wrap gap={8} data-testid="duplicate-candidate">
                    <Link to={`/customers/${candidate.customer.id}`} target="_blank">
                      {candidate.customer.name}
                    </Link>
                    <span>
                      <ReasonTags reasons={candidate.reasons} />
                      <Typography.Text type="secondary">
                        {t('duplicates.score')} {Math.round(candidate.score)}
                      </Typography.Text>
                    </span>
                  </Flex>
                ))}
              </Flex>
            </>
          }
        />
      )}
      {result.hidden_matches && <Alert type="error" showIcon title={t('duplicates.hiddenMatches')} data-testid="hidden-matches" />}
    </Flex>
  );
}

interface WatchedFields {
  name?: string;
  phone?: string;
  email?: string;
  kind?: 'company' | 'person';
}

/** PossibleDuplicates for the values of a customer form, as they are typed. */
export function FormDuplicates({ form, excludeId }: { form: FormInstance; excludeId?: string }) {
  const name = Form.useWatch<string | undefined>('name', form);
  const phone = Form.useWatch<string | undefined>('phone', form);
  const email = Form.useWatch<string | undefined>('email', form);
  const kind = Form.useWatch<WatchedFields['kind']>('kind', form);
  return <PossibleDuplicates probe={{ name, phone, email, kind, exclude_id: excludeId }} />;
}
