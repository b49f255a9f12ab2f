import { describe, expect, it } from 'vitest';
import { definitionBody, type CustomFieldFormValues } from './CustomFieldFormModal';
import { moved } from './CustomFieldsPage';
import { fieldDef } from './fixtures';
import { customFieldsForCreate, customFieldsForUpdate } from './values';

describe('custom field values', () => {
  it('leaves blanks out of a create, and sends nothing when nothing is filled', () => {
    expect(customFieldsForCreate({ a: ' x ', b: '', c: [], d: null, e: 0, f: false })).toEqual({ a: 'x', e: 0, f: false });
    expect(customFieldsForCreate({ a: '', b: undefined })).toBeUndefined();
  });

  it('turns cleared inputs into null on an update, and leaves fields the form does not show alone', () => {
    const fields = [fieldDef('region', 'select'), fieldDef('budget', 'decimal'), fieldDef('channels', 'multi_select')];
    expect(customFieldsForUpdate(fields, { region: 'east', budget: '', channels: [], hidden: 'x' })).toEqual({
      region: 'east',
      budget: null,
      channels: null,
    });
    expect(customFieldsForUpdate([], { region: 'east' })).toBeUndefined();
  });
});

describe('definition form', () => {
  const base: CustomFieldFormValues = {
    key: 'f',
    label: { en: ' Budget ', zh: '' },
    field_type: 'decimal',
    options: [{ value: 'stale' }],
    required: true,
    active: true,
    validation: { min: '0', max: '', max_length: 5, regex: 'x', decimal_places: 2 },
  };

  it('keeps only the settings that apply to the type', () => {
    expect(definitionBody(base)).toEqual({
      label: { en: 'Budget', zh: null },
      options: [],
      required: true,
      active: true,
      description: null,
      validation: { min: '0', decimal_places: 2 },
    });
    const text = definitionBody({ ...base, field_type: 'text' });
    expect(text.validation).toEqual({ max_length: 5, regex: 'x' });
    const number = definitionBody({ ...base, field_type: 'number', validation: { min: 3, max: 9 } });
    expect(number.validation).toEqual({ min: 3, max: 9 });
  });

  it('sends options with their labels for choice fields', () => {
    const body = definitionBody({
      ...base,
      field_type: 'select',
      options: [{ value: ' east ', label: { zh: '华东' } }, { value: 'west' }],
    });
    expect(body.options).toEqual([{ value: 'east', label: { en: null, zh: '华东' } }, { value: 'west' }]);
    expect(body.validation).toEqual({});
  });

  it('moves a field up or down, never past the ends', () => {
    expect(moved(['a', 'b', 'c'], 1, -1)).toEqual(['b', 'a', 'c']);
    expect(moved(['a', 'b', 'c'], 1, 1)).toEqual(['a', 'c', 'b']);
    expect(moved(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
  });
});
