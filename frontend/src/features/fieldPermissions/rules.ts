import type { FieldAccess, FieldRuleItem } from './api';

/** A field's rule in the editor: editable and unmasked when the role has none. */
export interface EditableRule {
  access: FieldAccess;
  masked: boolean;
}

export const OPEN_RULE: EditableRule = { access: 'editable', masked: false };

const key = (objectType: string, field: string) => `${objectType}\u0000${field}`;

/** The role's rules by object type and field. */
export function indexRules(rules: FieldRuleItem[]): Map<string, EditableRule> {
  return new Map(rules.map((r) => [key(r.object_type, r.field), { access: r.access ?? 'editable', masked: r.masked ?? false }]));
}

export function ruleOf(index: Map<string, EditableRule>, objectType: string, field: string): EditableRule {
  return index.get(key(objectType, field)) ?? OPEN_RULE;
}

export function withRule(index: Map<string, EditableRule>, objectType: string, field: string, rule: EditableRule): Map<string, EditableRule> {
  const next = new Map(index);
  next.set(key(objectType, field), rule);
  return next;
}

/** The rules to save: only those that restrict something (the server drops the others too). */
export function rulesToSave(index: Map<string, EditableRule>): FieldRuleItem[] {
  return [...index.entries()]
    .filter(([, rule]) => rule.access !== 'editable' || rule.masked)
    .map(([k, rule]) => {
      const [object_type, field] = k.split('\u0000');
      return { object_type, field, access: rule.access, masked: rule.masked };
    })
    .sort((a, b) => `${a.object_type}.${a.field}`.localeCompare(`${b.object_type}.${b.field}`));
}

/** Custom fields (cf.<key>) the role has rules on, per object type: shown beside the standard fields. */
export function customFieldsWithRules(index: Map<string, EditableRule>, objectType: string): string[] {
  return [...index.keys()]
    .map((k) => k.split('\u0000'))
    .filter(([type, field]) => type === objectType && field.startsWith('cf.'))
    .map(([, field]) => field)
    .sort();
}
