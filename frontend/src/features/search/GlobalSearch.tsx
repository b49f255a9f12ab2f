import { SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Input, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { SearchHitRead } from '../../api/types';

const DEBOUNCE_MS = 250;

function useDebounced(value: string): string {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [value]);
  return debounced;
}

/** Where a hit opens: a customer's page, or the page of the customer a contact belongs to. */
export function hitPath(hit: SearchHitRead): string {
  return `/customers/${hit.customer_id ?? hit.id}`;
}

/** The header's search box: customers and contacts by name, phone, e-mail or tag. */
export function GlobalSearch() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim());
  const { data, isFetching } = useQuery({
    queryKey: ['search', q],
    queryFn: () => unwrap(api.GET('/api/v1/search', { params: { query: { q, limit: 10 } } })),
    enabled: q.length > 0,
    staleTime: 10_000,
  });
  const hits = q ? (data?.items ?? []) : [];
  const options = hits.map((hit) => ({
    value: `${hit.type}:${hit.id}`,
    hit,
    label: (
      <div data-testid={`search-hit-${hit.id}`}>
        <Tag color={hit.type === 'customer' ? 'blue' : 'green'}>{t(`search.type.${hit.type}`, hit.type)}</Tag>
        <Typography.Text strong>{hit.title}</Typography.Text>
        {hit.subtitle ? <Typography.Text type="secondary"> · {hit.subtitle}</Typography.Text> : null}
      </div>
    ),
  }));

  return (
    <AutoComplete
      style={{ width: 320 }}
      value={text}
      options={options}
      onChange={setText}
      onSelect={(_, option) => {
        setText('');
        void navigate(hitPath(option.hit));
      }}
      notFoundContent={q && !isFetching && data ? t('search.noResults') : null}
    >
      <Input
        data-testid="global-search"
        prefix={<SearchOutlined />}
        placeholder={t('search.placeholder')}
        allowClear
        aria-label={t('search.placeholder')}
      />
    </AutoComplete>
  );
}
