import { Alert, App, Button, Card, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadMore } from '../../components/LoadMore';
import { QueryError } from '../../components/QueryError';
import { problemMessage, problemOf } from '../../lib/problem';
import { useAuth } from '../auth/AuthContext';
import { leadKeys, useClaimLead, useLeadPool, type LeadFilters } from './api';
import { LeadFilterBar } from './LeadFilterBar';
import { LeadTable } from './LeadTable';

/** Leads without owner; salespeople (leads:write) claim them, first come first served. */
export function LeadPoolPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [filters, setFilters] = useState<LeadFilters>({});
  const [refused, setRefused] = useState<string | null>(null);
  const list = useLeadPool(filters);
  const claim = useClaimLead();

  const onClaim = (id: string) => {
    setRefused(null);
    claim.mutate(id, {
      onSuccess: () => void message.success(t('leads.pool.claimed')),
      onError: (error) => {
        const problem = problemOf(error);
        const text = problemMessage(problem, t);
        setRefused(problem.status === 409 ? t('leads.pool.claimConflict', { detail: text }) : text);
      },
      // Either way the pool changed: claimed leads leave it, and so do ones someone else took.
      onSettled: () => void queryClient.invalidateQueries({ queryKey: leadKeys.all }),
    });
  };

  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('leads.pool.title')}</Typography.Title>}>
      <Typography.Paragraph type="secondary">{t('leads.pool.intro')}</Typography.Paragraph>
      {refused && <Alert type="warning" showIcon closable onClose={() => setRefused(null)} title={refused} data-testid="claim-refused" style={{ marginBottom: 12 }} />}
      <LeadFilterBar filters={filters} onChange={setFilters} statuses={['new', 'contacted', 'qualified', 'unqualified']} />
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <LeadTable
            rows={list.rows}
            loading={list.loading}
            testId="lead-pool"
            showOwner={false}
            action={
              can('leads:write')
                ? (lead) => (
                    <Button size="small" type="primary" data-testid="lead-claim" loading={claim.isPending && claim.variables === lead.id} onClick={() => onClaim(lead.id)}>
                      {t('leads.pool.claim')}
                    </Button>
                  )
                : undefined
            }
          />
          <LoadMore
            shown={list.rows.length}
            total={list.total}
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoadMore={() => void list.fetchNextPage()}
          />
        </>
      )}
    </Card>
  );
}
