import { Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProductRead } from '../../api/types';
import { useProductSearch } from './api';

interface ProductPickerProps {
  value?: string;
  onChange?: (value: string) => void;
  /** The label of the current product when it is not among the search results (a saved line). */
  currentLabel?: string;
  onPicked?: (product: ProductRead) => void;
  disabled?: boolean;
  testId?: string;
}

/** A product chosen by typing its name or SKU (GET /products?q=, active ones). */
export function ProductPicker({ value, onChange, currentLabel, onPicked, disabled, testId = 'quote-line-product' }: ProductPickerProps) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const search = useProductSearch(q, open || q !== '');
  const found = search.data?.items ?? [];
  const options = found.map((p) => ({ value: p.id, label: `${p.sku} · ${p.name}` }));
  if (value && !options.some((o) => o.value === value)) options.unshift({ value, label: currentLabel ?? value });
  return (
    <Select
      data-testid={testId}
      style={{ width: '100%' }}
      value={value}
      disabled={disabled}
      placeholder={t('quotes.line.pickProduct')}
      showSearch={{ filterOption: false, onSearch: (text) => setQ(text) }}
      onOpenChange={setOpen}
      loading={search.isFetching}
      notFoundContent={search.isError ? t('quotes.line.productSearchFailed') : undefined}
      options={options}
      onChange={(id: string) => {
        onChange?.(id);
        const product = found.find((p) => p.id === id);
        if (product) onPicked?.(product);
      }}
    />
  );
}
