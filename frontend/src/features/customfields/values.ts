import type { CustomFieldRead } from '../../api/types';

export type CustomValues = Record<string, unknown>;

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
}

function clean(value: unknown): unknown {
  return typeof value === 'string' ? value.trim() : value;
}

/** The custom values a create sends: blanks left out (undefined when nothing is filled). */
export function customFieldsForCreate(values: CustomValues | undefined): CustomValues | undefined {
  const result: CustomValues = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    if (!isBlank(value)) result[key] = clean(value);
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/**
 * The custom values an update sends for the fields the form shows: a cleared input becomes null
 * (the server removes the value); fields the form does not show (inactive ones) are left out,
 * so the server keeps them.
 */
export function customFieldsForUpdate(fields: CustomFieldRead[], values: CustomValues | undefined): CustomValues | undefined {
  if (fields.length === 0) return undefined;
  const result: CustomValues = {};
  for (const field of fields) {
    const value = values?.[field.key];
    result[field.key] = isBlank(value) ? null : clean(value);
  }
  return result;
}
