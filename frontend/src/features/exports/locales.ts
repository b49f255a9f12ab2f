import type { FeatureLocales } from '../module';

const en = {
  exports: {
    button: 'Export',
    csv: 'CSV (.csv)',
    xlsx: 'Excel (.xlsx)',
    title: { customers: 'Export customers', contacts: 'Export contacts' },
    preparing: 'Preparing the export…',
    progress: '{{done}} of {{total}} rows written',
    ready_one: '{{count}} row exported. The file is ready.',
    ready_other: '{{count}} rows exported. The file is ready.',
    download: 'Download',
    close: 'Close',
    background: 'Hide (keeps running)',
    showLast: 'Last export',
    running: 'Exporting… {{progress}}%',
    failed: 'The export failed',
    failedUnknown: 'The export stopped without a reason. Please try again.',
  },
};

const zh: typeof en = {
  exports: {
    button: '导出',
    csv: 'CSV（.csv）',
    xlsx: 'Excel（.xlsx）',
    title: { customers: '导出客户', contacts: '导出联系人' },
    preparing: '正在准备导出…',
    progress: '已写入 {{done}} / {{total}} 行',
    ready_one: '已导出 {{count}} 行，文件已就绪。',
    ready_other: '已导出 {{count}} 行，文件已就绪。',
    download: '下载',
    close: '关闭',
    background: '隐藏（继续在后台导出）',
    showLast: '上次导出',
    running: '正在导出… {{progress}}%',
    failed: '导出失败',
    failedUnknown: '导出意外中止，请重试。',
  },
};

export const exportsLocales: FeatureLocales = { en, 'zh-CN': zh };
