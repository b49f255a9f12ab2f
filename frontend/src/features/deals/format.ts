import type { TFunction } from 'i18next';
import type { FieldError, Problem } from '../../lib/problem';
import { attachmentCategoryLabel } from '../attachments/AttachmentsCard';

/** A duration in seconds in words: the two largest units ("3 d 4 h", "5 min"). */
export function humanizeSeconds(seconds: number | null | undefined, t: TFunction): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return t('deals.duration.lessThanMinute');
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const parts: string[] = [];
  if (days) parts.push(t('deals.duration.days', { count: days }));
  if (hours) parts.push(t('deals.duration.hours', { count: hours }));
  if (minutes && parts.length < 2) parts.push(t('deals.duration.minutes', { count: minutes }));
  return parts.slice(0, 2).join(' ');
}

const KNOWN_FIELDS = new Set(['name', 'amount', 'currency', 'expected_close_date', 'contact_id', 'product_line', 'notes', 'owner_id', 'customer_id']);

/** A deal field's label: the translated name of a known field, "custom field x" for custom.x. */
export function dealFieldLabel(field: string, t: TFunction): string {
  if (field.startsWith('custom.')) return t('deals.customFieldLabel', { key: field.slice('custom.'.length) });
  if (KNOWN_FIELDS.has(field)) return t(`deals.fields.${field}`);
  return field;
}


/** One refused-move item of a 422 in words: a missing field, a missing attachment, no lost reason. */
export function refusalItem(error: FieldError, t: TFunction): string {
  const [where, what] = error.loc;
  if (error.type === 'missing_field' || (where === 'deal' && typeof what === 'string')) {
    return t('deals.move.missingField', { field: dealFieldLabel(String(what), t) });
  }
  if (error.type === 'missing_attachment' || (where === 'attachments' && typeof what === 'string')) {
    return t('deals.move.missingAttachment', { category: attachmentCategoryLabel(String(what), t) });
  }
  if (error.loc.includes('lost_reason')) return t('deals.move.lostReasonMissing');
  return error.msg;
}

/** The items of a refused move, in words (empty when the problem names none). */
export function refusalItems(problem: Problem, t: TFunction): string[] {
  return problem.errors.map((error) => refusalItem(error, t));
}
