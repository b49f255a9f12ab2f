import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, Col, Divider, Form, Input, InputNumber, Row, Select } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { PipelineCreate, PipelineRead, StageIn, StageKind, StageRead, StageTrigger, StageUpdate } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { useServerErrors } from '../../lib/useServerErrors';
import { BASE_CATEGORIES } from '../attachments/api';
import { attachmentCategoryLabel } from '../attachments/AttachmentsCard';
import { useSavePipeline, useSaveStage } from './api';
import { dealFieldLabel } from './format';

export const STAGE_KINDS: readonly StageKind[] = ['open', 'won', 'lost'];
/**
 * The stage trigger types the backend registers (sales: legal_review_task; contracts:
 * recommend_contract_template). No endpoint lists them, so they are known here; a stage's other
 * types are kept and shown as they are.
 */
export const TRIGGER_TYPES = ['recommend_contract_template', 'legal_review_task'] as const;
/** Deal fields a stage gate may require (custom fields as custom.<key>, typed in). */
export const GATE_FIELDS = ['amount', 'expected_close_date', 'contact_id', 'product_line', 'notes', 'name'] as const;
const KEY = /^[a-z][a-z0-9_]{0,49}$/;

export function triggerLabel(type: string, t: TFunction): string {
  return t(`deals.pipelines.triggerTypes.${type}`, { defaultValue: type });
}

// --- pipeline (create with its stages / rename, default) -------------------------------------------

interface StageRowValues {
  key: string;
  name: string;
  probability: number;
  kind: StageKind;
}

interface PipelineValues {
  name: string;
  is_default: boolean;
  stages: StageRowValues[];
}

function initialPipeline(t: TFunction): PipelineValues {
  return {
    name: '',
    is_default: false,
    stages: [
      { key: 'initial_contact', name: t('deals.pipelines.kinds.open'), probability: 10, kind: 'open' },
      { key: 'won', name: t('deals.pipelines.kinds.won'), probability: 100, kind: 'won' },
      { key: 'lost', name: t('deals.pipelines.kinds.lost'), probability: 0, kind: 'lost' },
    ],
  };
}

/** A new pipeline with its stages in order, or the rename / default flag of one. */
export function PipelineFormModal({ pipeline, onClose }: { pipeline?: PipelineRead; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PipelineValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const save = useSavePipeline();

  const onSubmit = (values: PipelineValues) => {
    clear();
    const done = {
      onSuccess: () => {
        void message.success(t('deals.pipelines.saved'));
        onClose();
      },
      onError: handleError,
    };
    if (pipeline) {
      save.mutate({ kind: 'update', id: pipeline.id, body: { name: values.name.trim(), is_default: values.is_default || undefined, version: pipeline.version } }, done);
      return;
    }
    const body: PipelineCreate = {
      name: values.name.trim(),
      is_default: values.is_default,
      stages: values.stages.map((stage) => ({ key: stage.key.trim(), name: stage.name.trim(), probability: stage.probability, kind: stage.kind, skippable: false })),
    };
    save.mutate({ kind: 'create', body }, done);
  };

  return (
    <FormModal
      title={pipeline ? t('deals.pipelines.editTitle') : t('deals.pipelines.newTitle')}
      width={720}
      form={form}
      submitting={save.isPending}
      onClose={onClose}
      serverError={serverError}
      submitTestId="pipeline-submit"
    >
      <Form<PipelineValues>
        form={form}
        layout="vertical"
        initialValues={pipeline ? { name: pipeline.name, is_default: pipeline.is_default, stages: [] } : initialPipeline(t)}
        onFinish={onSubmit}
      >
        <Form.Item name="name" label={t('deals.pipelines.name')} rules={[{ required: true, whitespace: true, message: t('deals.pipelines.nameRequired') }, { max: 200 }]}>
          <Input data-testid="pipeline-name" />
        </Form.Item>
        <Form.Item name="is_default" valuePropName="checked">
          <Checkbox data-testid="pipeline-default" disabled={pipeline?.is_default}>
            {t('deals.pipelines.isDefault')}
          </Checkbox>
        </Form.Item>
        {!pipeline && (
          <>
            <Divider titlePlacement="start">{t('deals.pipelines.initialStages')}</Divider>
            <Form.List name="stages">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field) => (
                    <Row key={field.key} gutter={8} align="top" data-testid="pipeline-new-stage">
                      <Col span={6}>
                        <Form.Item name={[field.name, 'key']} rules={[{ required: true, message: t('deals.pipelines.keyRequired') }, { pattern: KEY, message: t('deals.pipelines.keyInvalid') }]}>
                          <Input placeholder={t('deals.pipelines.key')} />
                        </Form.Item>
                      </Col>
                      <Col span={8}>
                        <Form.Item name={[field.name, 'name']} rules={[{ required: true, whitespace: true, message: t('deals.pipelines.nameRequired') }]}>
                          <Input placeholder={t('deals.pipelines.stageName')} />
                        </Form.Item>
                      </Col>
                      <Col span={4}>
                        <Form.Item name={[field.name, 'probability']} rules={[{ required: true }]}>
                          <InputNumber min={0} max={100} style={{ width: '100%' }} aria-label={t('deals.pipelines.probability')} />
                        </Form.Item>
                      </Col>
                      <Col span={4}>
                        <Form.Item name={[field.name, 'kind']}>
                          <Select aria-label={t('deals.pipelines.kind')} options={STAGE_KINDS.map((kind) => ({ value: kind, label: t(`deals.pipelines.kinds.${kind}`) }))} />
                        </Form.Item>
                      </Col>
                      <Col span={2}>
                        <Button icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={() => remove(field.name)} />
                      </Col>
                    </Row>
                  ))}
                  <Button icon={<PlusOutlined />} onClick={() => add({ key: '', name: '', probability: 50, kind: 'open' }, fields.length - 2 >= 0 ? fields.length - 2 : undefined)}>
                    {t('deals.pipelines.addStage')}
                  </Button>
                </>
              )}
            </Form.List>
          </>
        )}
      </Form>
    </FormModal>
  );
}

// --- one stage -------------------------------------------------------------------------------------

interface StageValues {
  key: string;
  name: string;
  probability: number;
  kind: StageKind;
  required_fields: string[];
  required_attachments: string[];
  skippable: boolean;
  triggers: string[];
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function toStageValues(stage: StageRead | undefined): StageValues {
  if (!stage) return { key: '', name: '', probability: 50, kind: 'open', required_fields: [], required_attachments: [], skippable: false, triggers: [] };
  return {
    key: stage.key,
    name: stage.name,
    probability: stage.probability,
    kind: stage.kind,
    required_fields: stringList(stage.gate.required_fields),
    required_attachments: stringList(stage.gate.required_attachments),
    skippable: stage.skippable,
    triggers: stage.triggers.map((trigger) => String(trigger.type ?? '')).filter(Boolean),
  };
}

/** A new stage of `pipeline` (added last) or the edit of one: kind, probability, gate, triggers. */
export function StageFormModal({ pipeline, stage, onClose }: { pipeline: PipelineRead; stage?: StageRead; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<StageValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const save = useSaveStage(pipeline.id);
  const initial = toStageValues(stage);
  const knownCategories = [
    ...new Set([...BASE_CATEGORIES, ...pipeline.stages.flatMap((s) => stringList(s.gate.required_attachments))]),
  ];
  const triggerOptions = [...new Set<string>([...TRIGGER_TYPES, ...initial.triggers])];

  const onSubmit = (values: StageValues) => {
    clear();
    // A trigger kept keeps its own settings; a new one is just its type.
    const triggers: StageTrigger[] = values.triggers.map(
      (type) => (stage?.triggers.find((trigger) => trigger.type === type) as StageTrigger | undefined) ?? { type },
    );
    const gate = { required_fields: values.required_fields, required_attachments: values.required_attachments };
    const done = {
      onSuccess: () => {
        void message.success(t('deals.pipelines.stageSaved'));
        onClose();
      },
      onError: handleError,
    };
    if (stage) {
      const body: StageUpdate = { name: values.name.trim(), probability: values.probability, kind: values.kind, gate, skippable: values.skippable, triggers, version: stage.version };
      save.mutate({ kind: 'update', id: stage.id, body }, done);
    } else {
      const body: StageIn = { key: values.key.trim(), name: values.name.trim(), probability: values.probability, kind: values.kind, gate, skippable: values.skippable, triggers };
      save.mutate({ kind: 'create', body }, done);
    }
  };

  return (
    <FormModal
      title={stage ? t('deals.pipelines.stageEditTitle') : t('deals.pipelines.stageNewTitle')}
      width={640}
      form={form}
      submitting={save.isPending}
      onClose={onClose}
      serverError={serverError}
      submitTestId="stage-submit"
    >
      <Form<StageValues> form={form} layout="vertical" initialValues={initial} onFinish={onSubmit}>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item
              name="key"
              label={t('deals.pipelines.key')}
              extra={stage ? undefined : t('deals.pipelines.keyHelp')}
              rules={[{ required: true, message: t('deals.pipelines.keyRequired') }, { pattern: KEY, message: t('deals.pipelines.keyInvalid') }]}
            >
              <Input disabled={Boolean(stage)} data-testid="stage-key" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="name" label={t('deals.pipelines.stageName')} rules={[{ required: true, whitespace: true, message: t('deals.pipelines.nameRequired') }, { max: 200 }]}>
              <Input data-testid="stage-name" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="probability" label={t('deals.pipelines.probability')} rules={[{ required: true }]}>
              <InputNumber min={0} max={100} precision={0} style={{ width: '100%' }} data-testid="stage-probability" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="kind" label={t('deals.pipelines.kind')}>
              <Select data-testid="stage-kind" options={STAGE_KINDS.map((kind) => ({ value: kind, label: t(`deals.pipelines.kinds.${kind}`) }))} />
            </Form.Item>
          </Col>
        </Row>
        <Divider titlePlacement="start">{t('deals.pipelines.gate')}</Divider>
        <Form.Item name="required_fields" label={t('deals.pipelines.requiredFields')}>
          <Select mode="tags" data-testid="stage-required-fields" options={GATE_FIELDS.map((field) => ({ value: field, label: dealFieldLabel(field, t) }))} />
        </Form.Item>
        <Form.Item
          name="required_attachments"
          label={t('deals.pipelines.requiredAttachments')}
          extra={t('deals.pipelines.requiredAttachmentsHelp')}
          rules={[
            {
              validator: (_, value: string[] | undefined) =>
                (value ?? []).every((category) => KEY.test(category)) ? Promise.resolve() : Promise.reject(new Error(t('deals.pipelines.keyInvalid'))),
            },
          ]}
        >
          <Select mode="tags" data-testid="stage-required-attachments" options={knownCategories.map((category) => ({ value: category, label: attachmentCategoryLabel(category, t) }))} />
        </Form.Item>
        <Form.Item name="skippable" valuePropName="checked" extra={t('deals.pipelines.skippableHelp')}>
          <Checkbox data-testid="stage-skippable">{t('deals.pipelines.skippable')}</Checkbox>
        </Form.Item>
        <Form.Item name="triggers" label={t('deals.pipelines.triggers')}>
          <Select mode="multiple" data-testid="stage-triggers" options={triggerOptions.map((type) => ({ value: type, label: triggerLabel(type, t) }))} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
