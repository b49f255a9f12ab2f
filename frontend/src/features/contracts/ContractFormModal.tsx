import { App, Col, Divider, Form, Input, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { ContractCreate, ContractRead, ContractUpdate } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { useServerErrors } from '../../lib/useServerErrors';
import { useCreateContract, useTemplates, useUpdateContract } from './api';
import { CustomerPicker, LinesEditor, linesFromForm, linesToForm, type LineValues } from './parts';

interface ContractValues {
  customer_id?: string;
  template_id?: string;
  title?: string;
  start_date?: string;
  end_date?: string;
  currency?: string;
  lines?: LineValues[];
  terms?: string;
  notes?: string;
}

const blank = (value: string | undefined) => (value && value.trim() ? value.trim() : null);

function toValues(contract?: ContractRead): ContractValues {
  if (!contract) return { currency: 'CNY', lines: [] };
  return {
    title: contract.title,
    start_date: contract.start_date ?? '',
    end_date: contract.end_date ?? '',
    currency: contract.currency,
    lines: linesToForm(contract.lines),
    terms: contract.terms,
    notes: contract.notes ?? '',
  };
}

/** New contract (customer, template, dates, lines) or the edit of a draft (PATCH with its version). */
export function ContractFormModal({ contract, onClose, onReload }: { contract?: ContractRead; onClose: () => void; onReload?: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<ContractValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const create = useCreateContract();
  const update = useUpdateContract(contract?.id ?? '');
  const templates = useTemplates(true);

  const onSubmit = (values: ContractValues) => {
    clear();
    const common = {
      title: blank(values.title),
      start_date: blank(values.start_date),
      end_date: blank(values.end_date),
      currency: (values.currency ?? 'CNY').trim().toUpperCase(),
      lines: linesFromForm(values.lines),
      notes: blank(values.notes),
    };
    if (contract) {
      const body: ContractUpdate = { ...common, terms: values.terms ?? '', version: contract.version };
      if (!body.title) delete body.title;
      update.mutate(body, {
        onSuccess: () => {
          void message.success(t('common.saved'));
          onClose();
        },
        onError: handleError,
      });
      return;
    }
    const body: ContractCreate = {
      ...common,
      customer_id: values.customer_id ?? '',
      template_id: values.template_id ?? null,
      terms: blank(values.terms),
    };
    create.mutate(body, {
      onSuccess: (created) => {
        void message.success(t('contracts.form.created'));
        onClose();
        void navigate(`/contracts/${created.id}`);
      },
      onError: handleError,
    });
  };

  return (
    <FormModal
      title={contract ? t('contracts.form.editTitle') : t('contracts.form.newTitle')}
      width={880}
      form={form}
      submitting={create.isPending || update.isPending}
      onClose={onClose}
      serverError={serverError}
      onReload={
        onReload
          ? () => {
              onReload();
              onClose();
            }
          : undefined
      }
      submitTestId="contract-form-submit"
    >
      <Form<ContractValues> form={form} layout="vertical" initialValues={toValues(contract)} onFinish={onSubmit}>
        {!contract && (
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="customer_id" label={t('contracts.fields.customer')} rules={[{ required: true, message: t('contracts.form.customerRequired') }]}>
                <CustomerPicker testId="contract-form-customer" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="template_id" label={t('contracts.fields.template')} extra={t('contracts.form.templateHint')}>
                <Select
                  allowClear
                  data-testid="contract-form-template"
                  loading={templates.isPending}
                  options={(templates.data ?? []).map((tpl) => ({ value: tpl.id, label: tpl.name }))}
                />
              </Form.Item>
            </Col>
          </Row>
        )}
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="title" label={t('contracts.fields.title')} extra={contract ? undefined : t('contracts.form.titleHint')}>
              <Input data-testid="contract-form-title" maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={4}>
            <Form.Item name="currency" label={t('contracts.fields.currency')} rules={[{ pattern: /^[A-Za-z]{3}$/, message: t('contracts.form.currencyInvalid') }]}>
              <Input data-testid="contract-form-currency" maxLength={3} />
            </Form.Item>
          </Col>
          <Col span={4}>
            <Form.Item name="start_date" label={t('contracts.fields.start_date')}>
              <Input type="date" data-testid="contract-form-start" />
            </Form.Item>
          </Col>
          <Col span={4}>
            <Form.Item name="end_date" label={t('contracts.fields.end_date')}>
              <Input type="date" data-testid="contract-form-end" />
            </Form.Item>
          </Col>
        </Row>
        <Divider titlePlacement="start">{t('contracts.lines.title')}</Divider>
        <LinesEditor />
        <Form.Item name="terms" label={t('contracts.fields.terms')} extra={contract ? undefined : t('contracts.form.termsHint')}>
          <Input.TextArea rows={4} data-testid="contract-form-terms" />
        </Form.Item>
        <Form.Item name="notes" label={t('contracts.fields.notes')}>
          <Input.TextArea rows={2} data-testid="contract-form-notes" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
