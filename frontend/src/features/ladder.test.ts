import { describe, expect, it } from 'vitest';
import { FEATURE_MODULES } from './modules';

const LADDER = FEATURE_MODULES.map((feature) => feature.name);

/** Every source file under features/ ("./deals/DealDetailPage.tsx" → its text), tests left out. */
const SOURCES = Object.fromEntries(
  Object.entries(import.meta.glob(['./**/*.{ts,tsx}', '!./**/*.test.{ts,tsx}'], { query: '?raw', import: 'default', eager: true })).map(
    ([path, text]) => [path, text as string],
  ),
);
const IMPORT = /(?:from|import)\s*\(?\s*'(\.[^']+)'/g;

/** "./deals/parts/x.tsx" + "../../contracts/y" → "./contracts/y" (plain path arithmetic). */
function resolvePath(file: string, specifier: string): string {
  const parts = file.split('/').slice(0, -1);
  for (const segment of specifier.split('/')) {
    if (segment === '..') parts.pop();
    else if (segment !== '.') parts.push(segment);
  }
  return parts.join('/');
}

/** The feature folder of a path relative to features/ (null for the shared files at its root or outside it). */
function featureOf(path: string): string | null {
  const parts = path.split('/');
  return parts[0] === '.' && parts.length > 2 ? parts[1] : null;
}

/** One line per import of a feature above the importing one on the ladder. */
function importsUpTheLadder(sources: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [file, text] of Object.entries(sources)) {
    const from = featureOf(file);
    if (from === null) continue;
    for (const [, specifier] of text.matchAll(IMPORT)) {
      const to = featureOf(resolvePath(file, specifier));
      if (to === null || to === from) continue;
      if (!LADDER.includes(to) || LADDER.indexOf(to) > LADDER.indexOf(from)) problems.push(`${file} imports ${to}, above ${from}`);
    }
  }
  return problems;
}

describe('feature ladder (FEATURE_MODULES order)', () => {
  it('lists every feature folder exactly once', () => {
    const folders = new Set(Object.keys(SOURCES).map(featureOf).filter((name): name is string => name !== null));
    expect([...LADDER].sort()).toEqual([...folders].sort());
    expect(new Set(LADDER).size).toBe(LADDER.length);
  });

  it('has no feature import a feature above it (slots carry anything the other way)', () => {
    expect(importsUpTheLadder(SOURCES)).toEqual([]);
  });

  it('reports an import up the ladder, static or lazy', () => {
    const sources = {
      './customers/Page.tsx': "import { CustomerDeals } from '../deals/CustomerDeals';",
      './customers/parts/Tab.tsx': "const Tasks = lazy(() => import('../../tasks/CustomerTasks'));",
      './deals/Page.tsx': "import { useCustomer } from '../customers/api';\nimport { money } from '../../lib/money';",
    };
    expect(importsUpTheLadder(sources)).toEqual(['./customers/Page.tsx imports deals, above customers', './customers/parts/Tab.tsx imports tasks, above customers']);
  });
});
