import { FileTextOutlined } from '@ant-design/icons';
import { page } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { lazyComponent } from '../../lib/lazyComponent';
import { quotesLocales } from './locales';

const DealQuotes = lazyComponent(() => import('./DealQuotes').then((m) => m.DealQuotes));

export const quotesModule: FeatureModule = {
  name: 'quotes',
  locales: quotesLocales,
  routes: [
    page('quotes', 'quotes:read', () => import('./QuoteListPage').then((m) => m.QuoteListPage)),
    page('quotes/new', 'quotes:write', () => import('./QuoteEditorPage').then((m) => m.NewQuotePage)),
    page('quotes/:id', 'quotes:read', () => import('./QuoteEditorPage').then((m) => m.QuoteEditorPage)),
  ],
  nav: [{ path: '/quotes', labelKey: 'quotes.nav', icon: <FileTextOutlined />, permission: 'quotes:read', placement: 'sales', order: 70 }],
  dealPanels: [{ key: 'quotes', order: 10, titleKey: 'deals.detail.quotes', permission: 'quotes:read', render: (deal) => <DealQuotes dealId={deal.id} /> }],
};
