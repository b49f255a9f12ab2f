/** Form values with blank strings turned into null, so cleared inputs clear the field on the server. */
export function blanksToNull<T extends object>(values: T): { [K in keyof T]: T[K] | null } {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    result[key] = typeof value === 'string' && value.trim() === '' ? null : value === undefined ? null : value;
  }
  return result as { [K in keyof T]: T[K] | null };
}

/** Form values without blank entries, for create requests (the server applies its defaults). */
export function withoutBlanks<T extends object>(values: T): Partial<T> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'string' && value.trim() === '') continue;
    result[key] = typeof value === 'string' ? value.trim() : value;
  }
  return result as Partial<T>;
}
