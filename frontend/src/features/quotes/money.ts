/** A percent the API sent as a decimal string, trimmed of trailing zeros ("15.00" → "15 %"). */
export function formatPercent(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const trimmed = value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
  return `${trimmed} %`;
}
