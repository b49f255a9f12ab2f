import type { FeatureLocales } from '../module';

const en = {
  tasks: {
    title: 'Tasks',
    mine: 'My tasks',
    new: 'New task',
    newTitle: 'New task',
    empty: 'No tasks',
    complete: 'Done',
    completed: 'Task completed',
    completedNext: 'Task completed; next one due {{due}}',
    titleRequired: 'Please enter a title',
    views: { today: 'Today', overdue: 'Overdue', upcoming: 'Upcoming' },
    fields: { title: 'Title', dueAt: 'Due', priority: 'Priority', status: 'Status', recurrence: 'Repeat', description: 'Description' },
    priority: { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' },
    status: { open: 'Open', done: 'Done', cancelled: 'Cancelled' },
    repeat: { none: 'Does not repeat', DAILY: 'Daily', WEEKLY: 'Weekly', MONTHLY: 'Monthly', YEARLY: 'Yearly' },
  },
};

const zh: typeof en = {
  tasks: {
    title: '任务',
    mine: '我的任务',
    new: '新建任务',
    newTitle: '新建任务',
    empty: '暂无任务',
    complete: '完成',
    completed: '任务已完成',
    completedNext: '任务已完成，下一次截止于 {{due}}',
    titleRequired: '请输入标题',
    views: { today: '今天', overdue: '已逾期', upcoming: '即将到期' },
    fields: { title: '标题', dueAt: '截止时间', priority: '优先级', status: '状态', recurrence: '重复', description: '描述' },
    priority: { low: '低', normal: '普通', high: '高', urgent: '紧急' },
    status: { open: '进行中', done: '已完成', cancelled: '已取消' },
    repeat: { none: '不重复', DAILY: '每天', WEEKLY: '每周', MONTHLY: '每月', YEARLY: '每年' },
  },
};

export const tasksLocales: FeatureLocales = { en, 'zh-CN': zh };
