import { AppstoreOutlined, BookOutlined } from '@ant-design/icons';
import { guarded } from '../auth/guarded';
import type { FeatureModule } from '../module';
import { PriceBookDetailPage } from './PriceBookDetailPage';
import { PriceBooksPage } from './PriceBooksPage';
import { ProductsPage } from './ProductsPage';

export const catalogModule: FeatureModule = {
  routes: [
    { path: 'products', element: guarded('products:read', <ProductsPage />) },
    { path: 'price-books', element: guarded('products:read', <PriceBooksPage />) },
    { path: 'price-books/:id', element: guarded('products:read', <PriceBookDetailPage />) },
  ],
  nav: [
    { path: '/products', labelKey: 'catalog.products.nav', icon: <AppstoreOutlined />, permission: 'products:read', placement: 'sales' },
    { path: '/price-books', labelKey: 'catalog.books.nav', icon: <BookOutlined />, permission: 'products:read', placement: 'sales' },
  ],
};
