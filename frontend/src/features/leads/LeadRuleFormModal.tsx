import { App, Col, Form, Input, Radio, Row, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import type { LeadRuleCreate, LeadRuleRead } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { useServerErrors } from '../../lib/useServerErrors';
import { useAllUsers, useDepartments } from '../admin/api';
import { LEAD_GRADES, useSaveLeadRule } from './api';

type TargetKind = LeadRuleCreate['target_kind'];

interface RuleValues {
  name: string;
  active: boolean;
  province?: string;
  city?: string;
  product_line?: string;
  source?: string;
  grade?: LeadRuleCreate['grade'];
  target_kind: TargetKind;
  target_user_id?: string;
  team: 'department' | 'users';
  team_department_id?: string;
  team_user_ids?: string[];
}

const MATCHERS = ['province', 'city', 'product_line', 'source'] as const;

function toValues(rule: LeadRuleRead | undefined): RuleValues {
  if (!rule) return { name: '', active: true, target_kind: 'user', team: 'department', team_user_ids: [] };
  return {
    name: rule.name,
    active: rule.active,
    province: rule.province ?? undefined,
    city: rule.city ?? undefined,
    product_line: rule.product_line ?? undefined,
    source: rule.source ?? undefined,
    grade: (rule.grade as LeadRuleCreate['grade']) ?? undefined,
    target_kind: rule.target_kind as TargetKind,
    target_user_id: rule.target_user_id ?? undefined,
    team: rule.team_user_ids.length > 0 ? 'users' : 'department',
    team_department_id: rule.team_department_id ?? undefined,
    team_user_ids: rule.team_user_ids,
  };
}

/** The request body: matchers left blank match anything (null); only the chosen target is sent. */
function toBody(values: RuleValues): LeadRuleCreate {
  const blank = (value: string | undefined) => value?.trim() || null;
  const team = values.target_kind !== 'user';
  return {
    name: values.name.trim(),
    active: values.active,
    province: blank(values.province),
    city: blank(values.city),
    product_line: blank(values.product_line),
    source: blank(values.source),
    grade: values.grade ?? null,
    target_kind: values.target_kind,
    target_user_id: team ? null : (values.target_user_id ?? null),
    team_department_id: team && values.team === 'department' ? (values.team_department_id ?? null) : null,
    team_user_ids: team && values.team === 'users' ? (values.team_user_ids ?? []) : [],
  };
}

export function LeadRuleFormModal({ rule, onClose }: { rule?: LeadRuleRead; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<RuleValues>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const save = useSaveLeadRule();
  const users = useAllUsers();
  const departments = useDepartments();
  const targetKind = Form.useWatch('target_kind', form) ?? toValues(rule).target_kind;
  const team = Form.useWatch('team', form) ?? toValues(rule).team;
  const userOptions = (users.data ?? []).filter((u) => u.is_active).map((u) => ({ value: u.id, label: u.full_name }));

  const onSubmit = (values: RuleValues) => {
    clear();
    const body = toBody(values);
    const onSuccess = () => {
      void message.success(t('common.saved'));
      onClose();
    };
    if (rule) save.mutate({ kind: 'update', id: rule.id, body: { ...body, version: rule.version } }, { onSuccess, onError: handleError });
    else save.mutate({ kind: 'create', body }, { onSuccess, onError: handleError });
  };

  return (
    <FormModal
      title={rule ? t('leads.rules.editTitle') : t('leads.rules.newTitle')}
      width={720}
      form={form}
      submitting={save.isPending}
      onClose={onClose}
      serverError={serverError}
      onReload={rule ? onClose : undefined}
      submitTestId="rule-submit"
    >
      <Form<RuleValues> form={form} layout="vertical" initialValues={toValues(rule)} onFinish={onSubmit}>
        <Row gutter={12}>
          <Col span={18}>
            <Form.Item name="name" label={t('leads.rules.name')} rules={[{ required: true, whitespace: true, message: t('leads.rules.nameRequired') }]}>
              <Input data-testid="rule-name" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="active" label={t('leads.rules.active')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          {MATCHERS.map((key) => (
            <Col span={12} key={key}>
              <Form.Item name={key} label={t(`leads.fields.${key}`)} extra={t('leads.rules.anyHint')}>
                <Input data-testid={`rule-${key}`} />
              </Form.Item>
            </Col>
          ))}
          <Col span={12}>
            <Form.Item name="grade" label={t('leads.fields.grade')}>
              <Select allowClear data-testid="rule-grade" options={LEAD_GRADES.map((g) => ({ value: g, label: t(`leads.grade.${g}`) }))} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="target_kind" label={t('leads.rules.target')}>
          <Radio.Group data-testid="rule-target-kind">
            {(['user', 'round_robin', 'least_loaded'] as const).map((kind) => (
              <Radio key={kind} value={kind}>
                {t(`leads.rules.kinds.${kind}`)}
              </Radio>
            ))}
          </Radio.Group>
        </Form.Item>
        {targetKind === 'user' ? (
          <Form.Item name="target_user_id" label={t('leads.rules.targetUser')} rules={[{ required: true, message: t('leads.rules.targetUserRequired') }]}>
            <Select showSearch={{ optionFilterProp: 'label' }} data-testid="rule-target-user" options={userOptions} />
          </Form.Item>
        ) : (
          <>
            <Form.Item name="team" label={t('leads.rules.team')}>
              <Radio.Group data-testid="rule-team">
                <Radio value="department">{t('leads.rules.teamDepartment')}</Radio>
                <Radio value="users">{t('leads.rules.teamUsers')}</Radio>
              </Radio.Group>
            </Form.Item>
            {team === 'department' ? (
              <Form.Item name="team_department_id" label={t('leads.rules.department')} rules={[{ required: true, message: t('leads.rules.teamRequired') }]}>
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  data-testid="rule-department"
                  options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
                />
              </Form.Item>
            ) : (
              <Form.Item name="team_user_ids" label={t('leads.rules.members')} rules={[{ required: true, type: 'array', min: 1, message: t('leads.rules.teamRequired') }]}>
                <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} data-testid="rule-members" options={userOptions} />
              </Form.Item>
            )}
          </>
        )}
      </Form>
    </FormModal>
  );
}
