/**
 * Money helpers. Amounts travel as decimal strings ("1234.50"); sums the SPA must compute itself
 * (the payment plan's remaining difference, totals per currency) are done on integer cents as
 * BigInt, never with floats.
 */

const AMOUNT = /^(-)?(\d+)(?:\.(\d{0,2}))?$/;

/** "123.45" → 12345n; "" / garbage / more than two decimals → null. */
export function toCents(value: string | number | null | undefined): bigint | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  const match = AMOUNT.exec(text);
  if (!match) return null;
  const [, minus, whole, fraction = ''] = match;
  const cents = BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2));
  return minus ? -cents : cents;
}

/** 12345n → "123.45" (the API's decimal string form). */
export function fromCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const whole = abs / 100n;
  const fraction = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** The sum of decimal strings, exactly (unparseable entries count as zero). */
export function sumAmounts(values: (string | number | null | undefined)[]): string {
  return fromCents(values.reduce<bigint>((sum, value) => sum + (toCents(value) ?? 0n), 0n));
}

/**
 * A server amount formatted for people, by currency. Intl formats the decimal string itself
 * (exact for strings), so no float conversion happens.
 */
export function formatMoney(value: string | number | null | undefined, currency: string, locale?: string): string {
  if (value === null || value === undefined || value === '') return '—';
  try {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    return format.format(String(value) as Intl.StringNumericLiteral);
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
