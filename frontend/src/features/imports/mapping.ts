import type { ImportColumn, ImportCommitRequest, ImportFieldRead, ImportRowRead } from '../../api/types';

/** Column index (as a string, like the API's keys) → field key, or null: the column is not imported. */
export type ColumnMapping = Record<string, string | null>;

export type DuplicateAction = ImportCommitRequest['on_duplicate'];
export type FileDuplicateAction = ImportCommitRequest['on_file_duplicate'];

export interface DuplicateDefaults {
  onDuplicate: DuplicateAction;
  onFileDuplicate: FileDuplicateAction;
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
