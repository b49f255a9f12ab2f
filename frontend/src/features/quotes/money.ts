/**
 * Formats a decimal the API sent as a string, by currency, without going through a float:
 * Intl.NumberFormat formats numeric strings exactly (ES2023 "string as exact decimal").
 */
export function formatMoney(value: string | null | undefined, currency: string, locale?: string): string {
  if (value === null || value === undefined || value === '') return '—';
  try {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    return format.format(value as unknown as number);
  } catch {
    return `${value} ${currency}`;
  }
}

/** A percent the API sent as a decimal string, trimmed of trailing zeros ("15.00" → "15 %"). */
export function formatPercent(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const trimmed = value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
  return `${trimmed} %`;
}
