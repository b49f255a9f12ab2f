import type { ImportColumn, ImportCommitRequest, ImportFieldRead, ImportOptions, ImportRead, ImportRowRead } from '../../api/types';

/** Column index (as a string, like the API's keys) → field key, or null: the column is not imported. */
export type ColumnMapping = Record<string, string | null>;

export type DuplicateAction = ImportCommitRequest['on_duplicate'];
export type FileDuplicateAction = ImportCommitRequest['on_file_duplicate'];

export interface DuplicateDefaults {
  onDuplicate: DuplicateAction;
  onFileDuplicate: FileDuplicateAction;
}

/** The order of a column's 05/03/2024 dates, as the preview request's `date_orders` takes it. */
export type DateOrderChoice = NonNullable<ImportOptions['date_orders']>[string];

/**
 * A date column whose 05/03/2024 dates read two ways (the summary's `date_columns`): what its
 * values showed (the backend's DateOrder), and the order applied (null: none, so its dates that
 * read two ways are row errors until one is chosen).
 */
export interface DateColumnReport {
  column: number;
  header: string;
  field: string;
  detected: 'day_first' | 'month_first' | 'ambiguous' | 'conflicting';
  order: DateOrderChoice | null;
  needs_choice: boolean;
}

/** What the commit does with the valid rows under one choice of its two defaults (`outcomes`). */
export interface CommitOutcome {
  on_duplicate: DuplicateAction;
  on_file_duplicate: FileDuplicateAction;
  created: number;
  updated: number;
  skipped: number;
}

/** A column whose values are mostly invalid (mapped to the wrong field?): `column_problems`. */
export interface ColumnProblem {
  column: number;
  header: string;
  field: string;
  invalid: number;
}

/** What a preview found, as the import's `summary` holds it. */
export interface PreviewSummary {
  rows: number;
  valid: number;
  errors: number;
  warnings: number;
  duplicates_in_file: number;
  duplicates_existing: number;
  duplicates_hidden: number;
  new: number;
  header_notes: string[];
  unmapped_columns: string[];
  // Absent from the summaries of imports previewed before the server reported them.
  outcomes?: CommitOutcome[];
  date_columns?: DateColumnReport[];
  column_problems?: ColumnProblem[];
}

export function summaryOf(item: ImportRead): PreviewSummary | null {
  return (item.summary as PreviewSummary | null) ?? null;
}

/** The commit's counts under the chosen defaults (undefined: the summary does not say). */
export function outcomeFor(summary: PreviewSummary, defaults: DuplicateDefaults): CommitOutcome | undefined {
  return summary.outcomes?.find(
    (outcome) => outcome.on_duplicate === defaults.onDuplicate && outcome.on_file_duplicate === defaults.onFileDuplicate,
  );
}

/** The options with one date column's order chosen (over the file-wide `day_first`). */
export function withDateOrder(options: ImportOptions, column: number, order: DateOrderChoice): ImportOptions {
  return { ...options, date_orders: { ...options.date_orders, [String(column)]: order } };
}

/** The options an import was last previewed with (the ones a new preview starts from). */
export function storedOptions(item: ImportRead): ImportOptions {
  const stored = item.options as Partial<Record<keyof ImportOptions, unknown>>;
  const dateOrders = (stored.date_orders ?? {}) as NonNullable<ImportOptions['date_orders']>;
  return {
    phone_region: typeof stored.phone_region === 'string' ? stored.phone_region : null,
    day_first: typeof stored.day_first === 'boolean' ? stored.day_first : null,
    ...(Object.keys(dateOrders).length > 0 ? { date_orders: dateOrders } : {}),
  };
}

/** Every column of the file, with the server's suggestion where it made one (else not imported). */
export function initialMapping(columns: ImportColumn[], suggested: Record<string, string>): ColumnMapping {
  return Object.fromEntries(columns.map((column) => [String(column.index), suggested[String(column.index)] ?? null]));
}

/** The required fields no column is mapped to. */
export function missingRequired(mapping: ColumnMapping, fields: ImportFieldRead[]): ImportFieldRead[] {
  const mapped = new Set(Object.values(mapping));
  return fields.filter((field) => field.required && !mapped.has(field.key));
}

/** The fields mapped to more than one column (each field takes one column). */
export function mappedTwice(mapping: ColumnMapping): string[] {
  const seen = new Map<string, number>();
  for (const key of Object.values(mapping)) if (key) seen.set(key, (seen.get(key) ?? 0) + 1);
  return [...seen].filter(([, count]) => count > 1).map(([key]) => key);
}

/** The mapping as the preview request takes it: only the columns that are imported. */
export function requestMapping(mapping: ColumnMapping): Record<string, string> {
  return Object.fromEntries(Object.entries(mapping).filter((entry): entry is [string, string] => Boolean(entry[1])));
}

/** Whether the preview may start: every required field mapped, no field mapped twice, something mapped. */
export function mappingIsComplete(mapping: ColumnMapping, fields: ImportFieldRead[]): boolean {
  return (
    missingRequired(mapping, fields).length === 0 &&
    mappedTwice(mapping).length === 0 &&
    Object.keys(requestMapping(mapping)).length > 0
  );
}

type DuplicateRow = Pick<ImportRowRead, 'row' | 'duplicate_of_row' | 'match_hidden'>;

export function isFileDuplicate(row: DuplicateRow): boolean {
  return row.duplicate_of_row != null;
}

/**
 * What may be done with a duplicate row: an existing record outside the importer's scope cannot
 * be updated, nor can an earlier row of the same file (it is not written yet).
 */
export function actionsFor(row: DuplicateRow): DuplicateAction[] {
  return isFileDuplicate(row) || row.match_hidden ? ['skip', 'create'] : ['skip', 'update', 'create'];
}

/** The action a row gets: its own decision, else the default for its kind of duplicate. */
export function effectiveAction(row: DuplicateRow, decisions: Record<number, DuplicateAction>, defaults: DuplicateDefaults): DuplicateAction {
  const chosen = decisions[row.row] ?? (isFileDuplicate(row) ? defaults.onFileDuplicate : defaults.onDuplicate);
  // The server skips what it may not update; show that rather than an impossible choice.
  return actionsFor(row).includes(chosen) ? chosen : 'skip';
}

/** The commit request: the two defaults and the rows whose decision was chosen one by one. */
export function commitRequest(defaults: DuplicateDefaults, decisions: Record<number, DuplicateAction>): ImportCommitRequest {
  return {
    on_duplicate: defaults.onDuplicate,
    on_file_duplicate: defaults.onFileDuplicate,
    decisions: Object.entries(decisions)
      .map(([row, action]) => ({ row: Number(row), action }))
      .sort((a, b) => a.row - b.row),
  };
}
