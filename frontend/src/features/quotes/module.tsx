import { FileTextOutlined } from '@ant-design/icons';
import { guarded } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { NewQuotePage, QuoteEditorPage } from './QuoteEditorPage';
import { QuoteListPage } from './QuoteListPage';

export const quotesModule: FeatureModule = {
  routes: [
    { path: 'quotes', element: guarded('quotes:read', <QuoteListPage />) },
    { path: 'quotes/new', element: guarded('quotes:write', <NewQuotePage />) },
    { path: 'quotes/:id', element: guarded('quotes:read', <QuoteEditorPage />) },
  ],
  nav: [{ path: '/quotes', labelKey: 'quotes.nav', icon: <FileTextOutlined />, permission: 'quotes:read', placement: 'sales' }],
};
