import i18n from '../i18n';
import type { EnumKind } from './enumLocales';

export type { EnumKind };

/**
 * An enumeration value the API returned, in the reader's language ("manufacturing" → "制造业").
 * A value without a label (free text typed into industry or source) is shown as it is; empty → "—".
 */
export function enumLabel(kind: EnumKind, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  return i18n.t(`enums.${kind}.${value}`, { defaultValue: value });
}

