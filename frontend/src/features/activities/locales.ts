import type { FeatureLocales } from '../module';

const en = {
  activities: {
    log: 'Log activity',
    logTitle: 'Log an activity',
    logged: 'Activity logged',
    subjectRequired: 'Please enter a subject',
    whenRequired: 'Please say when it happened',
    minutes: '{{count}} min',
    kind: { call: 'Call', visit: 'Visit', meeting: 'Meeting', email: 'E-mail', note: 'Note' },
    fields: {
      kind: 'Type',
      subject: 'Subject',
      occurredAt: 'When',
      contact: 'Contact',
      duration: 'Duration (minutes)',
      address: 'Location',
      lat: 'Latitude',
      lng: 'Longitude',
      outcome: 'Outcome',
      body: 'Details',
    },
  },
  timeline: {
    title: 'Timeline',
    empty: 'Nothing has happened yet',
    events: {
      customer_created: 'Customer created',
      customer_updated: 'Customer updated',
      customer_owner_changed: 'Owner changed',
      customer_deleted: 'Customer deleted',
      customer_restored: 'Customer restored',
      contact_created: 'Contact added',
      task_created: 'Task created',
      task_updated: 'Task updated',
      task_completed: 'Task completed',
    },
  },
};

const zh: typeof en = {
  activities: {
    log: '记录活动',
    logTitle: '记录一次活动',
    logged: '活动已记录',
    subjectRequired: '请输入主题',
    whenRequired: '请选择发生时间',
    minutes: '{{count}} 分钟',
    kind: { call: '电话', visit: '拜访', meeting: '会议', email: '邮件', note: '备注' },
    fields: {
      kind: '类型',
      subject: '主题',
      occurredAt: '时间',
      contact: '联系人',
      duration: '时长（分钟）',
      address: '地点',
      lat: '纬度',
      lng: '经度',
      outcome: '结果',
      body: '详情',
    },
  },
  timeline: {
    title: '时间线',
    empty: '暂无记录',
    events: {
      customer_created: '创建了客户',
      customer_updated: '更新了客户',
      customer_owner_changed: '变更了负责人',
      customer_deleted: '删除了客户',
      customer_restored: '恢复了客户',
      contact_created: '添加了联系人',
      task_created: '创建了任务',
      task_updated: '更新了任务',
      task_completed: '完成了任务',
    },
  },
};

export const activitiesLocales: FeatureLocales = { en, 'zh-CN': zh };
