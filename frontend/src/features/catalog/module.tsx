import { AppstoreOutlined, BookOutlined } from '@ant-design/icons';
import { page } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { catalogLocales } from './locales';

export const catalogModule: FeatureModule = {
  name: 'catalog',
  locales: catalogLocales,
  routes: [
    page('products', 'products:read', () => import('./ProductsPage').then((m) => m.ProductsPage)),
    page('price-books', 'products:read', () => import('./PriceBooksPage').then((m) => m.PriceBooksPage)),
    page('price-books/:id', 'products:read', () => import('./PriceBookDetailPage').then((m) => m.PriceBookDetailPage)),
  ],
  nav: [
    { path: '/products', labelKey: 'catalog.products.nav', icon: <AppstoreOutlined />, permission: 'products:read', placement: 'sales', order: 30 },
    { path: '/price-books', labelKey: 'catalog.books.nav', icon: <BookOutlined />, permission: 'products:read', placement: 'sales', order: 31 },
  ],
};
