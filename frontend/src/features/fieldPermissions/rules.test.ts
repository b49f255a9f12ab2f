import { describe, expect, it } from 'vitest';
import { customFieldsWithRules, indexRules, OPEN_RULE, ruleOf, rulesToSave, withRule } from './rules';

describe('field rule editing', () => {
  const stored = [
    { object_type: 'customer', field: 'phone', access: 'hidden' as const, masked: false },
    { object_type: 'customer', field: 'cf.id_no', access: 'editable' as const, masked: true },
  ];

  it('reads a field without a rule as editable and unmasked', () => {
    const index = indexRules(stored);
    expect(ruleOf(index, 'customer', 'phone')).toEqual({ access: 'hidden', masked: false });
    expect(ruleOf(index, 'customer', 'email')).toEqual(OPEN_RULE);
    expect(ruleOf(index, 'contact', 'phone')).toEqual(OPEN_RULE);
  });

  it('saves only the rules that restrict something, sorted', () => {
    let index = indexRules(stored);
    index = withRule(index, 'customer', 'phone', OPEN_RULE);
    index = withRule(index, 'contact', 'email', { access: 'read_only', masked: true });
    expect(rulesToSave(index)).toEqual([
      { object_type: 'contact', field: 'email', access: 'read_only', masked: true },
      { object_type: 'customer', field: 'cf.id_no', access: 'editable', masked: true },
    ]);
    expect(indexRules(stored).get('customer\u0000phone')).toBeDefined(); // withRule copies
  });

  it('lists the custom fields with rules per object type', () => {
    const index = withRule(indexRules(stored), 'contact', 'cf.hobby', { access: 'hidden', masked: false });
    expect(customFieldsWithRules(index, 'customer')).toEqual(['cf.id_no']);
    expect(customFieldsWithRules(index, 'contact')).toEqual(['cf.hobby']);
  });
});
