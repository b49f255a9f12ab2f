import { afterEach, describe, expect, it } from 'vitest';
import openapiText from '../../../openapi/openapi.json?raw';
import i18n from '../i18n';
import { ENUM_LABELS, OPENAPI_ENUMS, type EnumKind } from './enumLocales';
import { enumLabel } from './enums';

interface JsonSchema {
  enum?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
}

const SCHEMAS = (JSON.parse(openapiText) as { components: { schemas: Record<string, JsonSchema> } }).components.schemas;

/** The enum values at "Schema.property" (or a whole enum schema), looking through arrays and optionals. */
function enumValues(location: string): string[] {
  const [schema, property] = location.split('.');
  const found = property ? SCHEMAS[schema]?.properties?.[property] : SCHEMAS[schema];
  const values = (node: JsonSchema | undefined): string[] => (node ? [...(node.enum ?? []), ...values(node.items), ...(node.anyOf ?? []).flatMap(values)] : []);
  return values(found);
}

describe('enumeration labels', () => {
  afterEach(async () => {
    await i18n.changeLanguage('en');
  });

  it.each(Object.entries(OPENAPI_ENUMS))('labels every value of %s in the OpenAPI schema in both languages', (kind, locations) => {
    for (const location of locations ?? []) {
      const values = enumValues(location);
      expect(values.length, `${location} is an enum in openapi.json`).toBeGreaterThan(0);
      for (const value of values) {
        const labels = [ENUM_LABELS.en, ENUM_LABELS['zh-CN']].map((table) => (table[kind as EnumKind] as Record<string, string>)[value]);
        expect(labels, `${kind}.${value}`).toEqual([expect.any(String), expect.any(String)]);
      }
    }
  });

  it('has the same values in both languages for every kind', () => {
    for (const kind of Object.keys(ENUM_LABELS.en) as EnumKind[]) {
      expect(Object.keys(ENUM_LABELS['zh-CN'][kind]).sort(), kind).toEqual(Object.keys(ENUM_LABELS.en[kind]).sort());
    }
  });

  it('shows a value in the reader language, free text as typed, nothing as a dash', async () => {
    expect(enumLabel('industry', 'manufacturing')).toBe('Manufacturing');
    await i18n.changeLanguage('zh-CN');
    expect(enumLabel('industry', 'manufacturing')).toBe('制造业');
    expect(enumLabel('source', 'trade_show')).toBe('展会');
    expect(enumLabel('industry', '新能源')).toBe('新能源');
    expect(enumLabel('source', null)).toBe('—');
  });
});
