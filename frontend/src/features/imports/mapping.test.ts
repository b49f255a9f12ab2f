import { describe, expect, it } from 'vitest';
import type { ImportFieldRead, ImportRead } from '../../api/types';
import {
  actionsFor,
  commitRequest,
  effectiveAction,
  initialMapping,
  mappedTwice,
  mappingIsComplete,
  missingRequired,
  outcomeFor,
  requestMapping,
  storedOptions,
  withDateOrder,
  type PreviewSummary,
} from './mapping';

function field(key: string, required = false): ImportFieldRead {
  return { key, label: key.toUpperCase(), kind: 'text', required, options: [], aliases: [] };
}

const FIELDS = [field('name', true), field('phone'), field('email')];
const COLUMNS = [
  { index: 0, header: '客户名称', sample: ['甲'] },
  { index: 1, header: '电话', sample: ['138'] },
  { index: 2, header: '备注', sample: [null] },
];

describe('the mapping step', () => {
  it('starts from the suggestions, every other column not imported', () => {
    expect(initialMapping(COLUMNS, { '0': 'name', '1': 'phone' })).toEqual({ '0': 'name', '1': 'phone', '2': null });
  });

  it('names the required fields left unmapped', () => {
    expect(missingRequired({ '0': null, '1': 'phone' }, FIELDS).map((f) => f.key)).toEqual(['name']);
    expect(missingRequired({ '0': 'name' }, FIELDS)).toEqual([]);
  });

  it('finds a field mapped to two columns', () => {
    expect(mappedTwice({ '0': 'name', '1': 'phone', '2': 'phone' })).toEqual(['phone']);
    expect(mappedTwice({ '0': 'name', '1': null, '2': null })).toEqual([]);
  });

  it('sends only the imported columns, and is complete only when the preview can start', () => {
    expect(requestMapping({ '0': 'name', '1': null, '2': 'email' })).toEqual({ '0': 'name', '2': 'email' });
    expect(mappingIsComplete({ '0': 'name', '1': null }, FIELDS)).toBe(true);
    expect(mappingIsComplete({ '0': null, '1': 'phone' }, FIELDS)).toBe(false);
    expect(mappingIsComplete({ '0': 'name', '1': 'name' }, FIELDS)).toBe(false);
    expect(mappingIsComplete({ '0': null }, [field('phone')])).toBe(false);
  });
});

describe('duplicate decisions', () => {
  const existing = { row: 2, duplicate_of_row: null, match_hidden: false };
  const hidden = { row: 3, duplicate_of_row: null, match_hidden: true };
  const inFile = { row: 4, duplicate_of_row: 2, match_hidden: null };

  it('offers update only for a visible existing record', () => {
    expect(actionsFor(existing)).toEqual(['skip', 'update', 'create']);
    expect(actionsFor(hidden)).toEqual(['skip', 'create']);
    expect(actionsFor(inFile)).toEqual(['skip', 'create']);
  });

  it("uses the row's decision, else the default of its kind, never an impossible update", () => {
    const defaults = { onDuplicate: 'update', onFileDuplicate: 'create' } as const;
    expect(effectiveAction(existing, {}, defaults)).toBe('update');
    expect(effectiveAction(existing, { 2: 'create' }, defaults)).toBe('create');
    expect(effectiveAction(hidden, {}, defaults)).toBe('skip');
    expect(effectiveAction(inFile, {}, defaults)).toBe('create');
  });

  it('builds the commit request with the decisions in row order', () => {
    expect(commitRequest({ onDuplicate: 'skip', onFileDuplicate: 'skip' }, { 9: 'create', 2: 'update' })).toEqual({
      on_duplicate: 'skip',
      on_file_duplicate: 'skip',
      decisions: [
        { row: 2, action: 'update' },
        { row: 9, action: 'create' },
      ],
    });
  });
});

describe('preview summary helpers', () => {
  const summary = {
    outcomes: [
      { on_duplicate: 'skip', on_file_duplicate: 'skip', created: 1, updated: 0, skipped: 2 },
      { on_duplicate: 'update', on_file_duplicate: 'create', created: 2, updated: 1, skipped: 0 },
    ],
  } as PreviewSummary;

  it("finds the outcome of the chosen defaults, none when the summary has no outcomes", () => {
    expect(outcomeFor(summary, { onDuplicate: 'update', onFileDuplicate: 'create' })).toMatchObject({ created: 2, updated: 1, skipped: 0 });
    expect(outcomeFor(summary, { onDuplicate: 'create', onFileDuplicate: 'create' })).toBeUndefined();
    expect(outcomeFor({} as PreviewSummary, { onDuplicate: 'skip', onFileDuplicate: 'skip' })).toBeUndefined();
  });

  it('sets one date column order and keeps the other options and columns', () => {
    const options = { phone_region: 'CN', day_first: true, date_orders: { '1': 'month_first' as const } };
    expect(withDateOrder(options, 4, 'day_first')).toEqual({ phone_region: 'CN', day_first: true, date_orders: { '1': 'month_first', '4': 'day_first' } });
    expect(withDateOrder({ day_first: null }, 0, 'month_first')).toEqual({ day_first: null, date_orders: { '0': 'month_first' } });
  });

  it("reads the options an import was previewed with, leaving the server's report out", () => {
    const item = (options: Record<string, unknown>) => ({ options }) as unknown as ImportRead;
    expect(storedOptions(item({}))).toEqual({ phone_region: null, day_first: null });
    expect(storedOptions(item({ phone_region: 'HK', day_first: false, date_orders: { '2': 'day_first' }, date_columns: [], language: 'en' }))).toEqual({
      phone_region: 'HK',
      day_first: false,
      date_orders: { '2': 'day_first' },
    });
  });
});
