import { App, Card, Form, Skeleton } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import type { CustomerRead } from '../../api/types';
import { FormProblem } from '../../components/FormProblem';
import { NotFound } from '../../components/NotFound';
import { QueryError } from '../../components/QueryError';
import { blanksToNull, withoutBlanks } from '../../lib/formValues';
import { isApiError } from '../../lib/problem';
import { useServerErrors } from '../../lib/useServerErrors';
import { FormDuplicates } from '../duplicates/PossibleDuplicates';
import { useActiveCustomFields } from '../customfields/api';
import { customFieldsForCreate, customFieldsForUpdate } from '../customfields/values';
import { useCreateCustomer, useCustomer, useUpdateCustomer } from './api';
import { CustomerForm, customerToFormValues, type CustomerFormValues } from './CustomerForm';

export function NewCustomerPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<CustomerFormValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const create = useCreateCustomer();

  const onSubmit = (values: CustomerFormValues) => {
    clear();
    const { custom_fields: custom, ...standard } = values;
    const customFields = customFieldsForCreate(custom);
    create.mutate(
      {
        ...withoutBlanks(standard),
        name: values.name.trim(),
        kind: values.kind,
        tags: values.tags ?? [],
        ...(customFields ? { custom_fields: customFields } : {}),
      },
      {
        onSuccess: (customer) => {
          void message.success(t('common.saved'));
          navigate(`/customers/${customer.id}`);
        },
        onError: handleError,
      },
    );
  };

  return (
    <Card title={t('customers.newTitle')}>
      <FormProblem error={serverError} />
      <FormDuplicates form={form} />
      <CustomerForm form={form} submitting={create.isPending} onSubmit={onSubmit} onCancel={() => navigate('/customers')} />
    </Card>
  );
}

function EditCustomer({ customer, onReload }: { customer: CustomerRead; onReload: () => Promise<unknown> }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<CustomerFormValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const update = useUpdateCustomer(customer.id);
  const { fields: customFields } = useActiveCustomFields('customer');

  // After a reload (412), the form shows the server's current record.
  useEffect(() => {
    form.setFieldsValue(customerToFormValues(customer));
  }, [customer, form]);

  const onSubmit = (values: CustomerFormValues) => {
    clear();
    const { name, kind, tags, custom_fields: custom, ...rest } = values;
    const changedCustom = customFieldsForUpdate(customFields, custom);
    update.mutate(
      {
        ...blanksToNull(rest),
        name: name.trim(),
        kind,
        tags: tags ?? [],
        version: customer.version,
        ...(changedCustom ? { custom_fields: changedCustom } : {}),
      },
      {
        onSuccess: () => {
          void message.success(t('common.saved'));
          navigate(`/customers/${customer.id}`);
        },
        onError: handleError,
      },
    );
  };

  const reload = async () => {
    await onReload();
    clear();
  };

  return (
    <Card title={t('customers.editTitle')}>
      <FormProblem error={serverError} onReload={() => void reload()} />
      <FormDuplicates form={form} excludeId={customer.id} />
      <CustomerForm
        form={form}
        initialValues={customerToFormValues(customer)}
        submitting={update.isPending}
        onSubmit={onSubmit}
        onCancel={() => navigate(`/customers/${customer.id}`)}
      />
    </Card>
  );
}

export function EditCustomerPage() {
  const { id = '' } = useParams();
  const customer = useCustomer(id);
  if (customer.isPending) return <Skeleton active />;
  if (customer.isError) {
    if (isApiError(customer.error) && customer.error.status === 404) return <NotFound />;
    return <QueryError error={customer.error} onRetry={() => void customer.refetch()} />;
  }
  return <EditCustomer customer={customer.data} onReload={customer.refetch} />;
}
