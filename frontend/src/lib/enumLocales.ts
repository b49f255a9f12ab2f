/**
 * Labels of the enumeration values the API returns, per language: `kind` → `value` → label.
 * OPENAPI_ENUMS says which OpenAPI property each kind's values come from (enums.test.ts checks
 * that every value there has both labels); industry and source are free text on the server, so
 * only the vocabulary the product suggests is listed (anything else is shown as typed).
 */
export const ENUM_LABELS = {
  en: {
    industry: { manufacturing: 'Manufacturing', software: 'Software', retail: 'Retail', logistics: 'Logistics', healthcare: 'Healthcare', food: 'Food & beverage' },
    source: { web_form: 'Web form', import: 'Import', referral: 'Referral', trade_show: 'Trade show', ecommerce: 'E-commerce', manual: 'Entered by hand' },
    activityKind: { call: 'Call', visit: 'Visit', meeting: 'Meeting', email: 'E-mail', note: 'Note' },
    approvalStatus: { pending: 'Pending', approved: 'Approved', rejected: 'Rejected', cancelled: 'Cancelled' },
    contractStatus: { draft: 'Draft', in_review: 'In review', signed: 'Signed', expired: 'Expired', terminated: 'Terminated' },
    customFieldType: { text: 'Text', number: 'Number', decimal: 'Decimal', date: 'Date', select: 'Select', multi_select: 'Multiple select', boolean: 'Yes / no', user: 'User' },
    customerKind: { company: 'Company', person: 'Person' },
    dataScope: { own: 'Own', subordinates: 'Own and subordinates', department: 'Department', department_tree: 'Department and below', all: 'All' },
    dealStatus: { open: 'Open', won: 'Won', lost: 'Lost' },
    duplicateReason: { phone: 'Same phone', email: 'Same e-mail', name: 'Similar name' },
    importStatus: {
      uploaded: 'Uploaded',
      previewing: 'Previewing',
      previewed: 'Previewed',
      committing: 'Importing',
      cancelling: 'Cancelling',
      committed: 'Imported',
      cancelled: 'Cancelled',
      failed: 'Failed',
    },
    instalmentKind: { prepayment: 'Prepayment', instalment: 'Instalment', final: 'Final payment' },
    leadAssignmentKind: { create: 'On creation', rule: 'By rule', claim: 'Claimed', assign: 'Assigned' },
    leadGrade: { A: 'A', B: 'B', C: 'C' },
    leadStatus: { new: 'New', contacted: 'Contacted', qualified: 'Qualified', unqualified: 'Unqualified' },
    orderStatus: { pending_payment: 'Awaiting payment', paid: 'Paid', shipped: 'Shipped', completed: 'Completed', cancelled: 'Cancelled' },
    quoteStatus: {
      draft: 'Draft',
      pending_approval: 'Awaiting approval',
      approved: 'Approved',
      rejected: 'Rejected',
      sent: 'Sent',
      accepted: 'Accepted',
      superseded: 'Superseded',
    },
    ruleTargetKind: { user: 'A user', round_robin: 'Team, in turn', least_loaded: 'Team, least loaded' },
    taskPriority: { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' },
    taskStatus: { open: 'Open', done: 'Done', cancelled: 'Cancelled' },
    timelineType: { activity: 'Activity', event: 'Event' },
  },
  'zh-CN': {
    industry: { manufacturing: '制造业', software: '软件', retail: '零售', logistics: '物流', healthcare: '医疗健康', food: '食品饮料' },
    source: { web_form: '网站表单', import: '导入', referral: '转介绍', trade_show: '展会', ecommerce: '电商', manual: '手工录入' },
    activityKind: { call: '电话', visit: '拜访', meeting: '会议', email: '邮件', note: '备注' },
    approvalStatus: { pending: '待审批', approved: '已通过', rejected: '已驳回', cancelled: '已撤回' },
    contractStatus: { draft: '草稿', in_review: '审核中', signed: '已签署', expired: '已到期', terminated: '已终止' },
    customFieldType: { text: '文本', number: '整数', decimal: '小数', date: '日期', select: '单选', multi_select: '多选', boolean: '是/否', user: '用户' },
    customerKind: { company: '企业', person: '个人' },
    dataScope: { own: '本人', subordinates: '本人及下属', department: '本部门', department_tree: '本部门及下级部门', all: '全部' },
    dealStatus: { open: '进行中', won: '赢单', lost: '输单' },
    duplicateReason: { phone: '电话相同', email: '邮箱相同', name: '名称相似' },
    importStatus: {
      uploaded: '已上传',
      previewing: '预览中',
      previewed: '已预览',
      committing: '导入中',
      cancelling: '取消中',
      committed: '已导入',
      cancelled: '已取消',
      failed: '失败',
    },
    instalmentKind: { prepayment: '预付款', instalment: '分期款', final: '尾款' },
    leadAssignmentKind: { create: '创建时', rule: '按规则', claim: '领取', assign: '指派' },
    leadGrade: { A: 'A', B: 'B', C: 'C' },
    leadStatus: { new: '新线索', contacted: '已联系', qualified: '合格', unqualified: '不合格' },
    orderStatus: { pending_payment: '待付款', paid: '已付款', shipped: '已发货', completed: '已完成', cancelled: '已取消' },
    quoteStatus: {
      draft: '草稿',
      pending_approval: '待审批',
      approved: '已批准',
      rejected: '已驳回',
      sent: '已发送',
      accepted: '已接受',
      superseded: '已被替代',
    },
    ruleTargetKind: { user: '指定用户', round_robin: '团队轮流', least_loaded: '团队中负载最低者' },
    taskPriority: { low: '低', normal: '普通', high: '高', urgent: '紧急' },
    taskStatus: { open: '待办', done: '已完成', cancelled: '已取消' },
    timelineType: { activity: '活动', event: '事件' },
  },
} as const;

export type EnumKind = keyof (typeof ENUM_LABELS)['en'];

/** Where each kind's values are defined in openapi/openapi.json ("Schema.property"); free-text kinds are absent. */
export const OPENAPI_ENUMS: Partial<Record<EnumKind, string[]>> = {
  activityKind: ['ActivityRead.kind'],
  approvalStatus: ['ApprovalRead.status'],
  contractStatus: ['ContractRead.status', 'ContractSummary.status'],
  customFieldType: ['CustomFieldRead.field_type'],
  customerKind: ['CustomerRead.kind'],
  dataScope: ['DataScope'],
  dealStatus: ['DealRead.status', 'DealListItem.status', 'StageRead.kind'],
  duplicateReason: ['DuplicateCandidate.reasons', 'DuplicateGroupMember.reasons'],
  importStatus: ['ImportStatus'],
  instalmentKind: ['InstalmentRead.kind'],
  leadAssignmentKind: ['LeadAssignmentRead.kind'],
  leadStatus: ['LeadCreate.status'],
  orderStatus: ['OrderRead.status', 'OrderSummary.status'],
  quoteStatus: ['QuoteRead.status', 'QuoteSummary.status'],
  ruleTargetKind: ['RuleCreate.target_kind'],
  taskPriority: ['TaskRead.priority'],
  taskStatus: ['TaskRead.status'],
  timelineType: ['TimelineItem.type'],
};

/** The labels as translation bundles (top-level key `enums`), merged into the app's at start. */
export const enumLocales = { en: { enums: ENUM_LABELS.en }, 'zh-CN': { enums: ENUM_LABELS['zh-CN'] } };
