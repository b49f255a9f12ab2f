import type { FeatureLocales } from '../module';

const en = {
  notifications: {
    title: 'Notifications',
    empty: 'No notifications',
    markAllRead: 'Mark all read',
    kinds: {
      task_due: 'Task due: {{title}}',
      task_upcoming: 'Task due soon: {{title}}',
      birthday: "{{name}}'s birthday on {{date}}",
      holiday: '{{name}} on {{date}}',
      date_rule: '{{label}}: {{name}} on {{date}}',
    },
  },
};

const zh: typeof en = {
  notifications: {
    title: '通知',
    empty: '暂无通知',
    markAllRead: '全部标为已读',
    kinds: {
      task_due: '任务到期：{{title}}',
      task_upcoming: '任务即将到期：{{title}}',
      birthday: '{{name}} 的生日：{{date}}',
      holiday: '{{name}}：{{date}}',
      date_rule: '{{label}}：{{name}}（{{date}}）',
    },
  },
};

export const notificationsLocales: FeatureLocales = { en, 'zh-CN': zh };
