const en = {
  title: 'Attachments',
  file: 'File',
  category: 'Category',
  size: 'Size',
  uploadedBy: 'Uploaded by',
  uploadedAt: 'Uploaded at',
  upload: 'Upload a file',
  uploaded: '{{name}} uploaded',
  none: 'No files attached yet',
  confirmDelete: 'Delete {{name}}?',
  tooLarge: 'The file is too large to upload. {{detail}}',
  refusedType: 'This kind of file is not accepted (executables are refused). {{detail}}',
  categories: {
    general: 'General',
    needs_document: 'Needs document',
    competitor_analysis: 'Competitor analysis',
    contract: 'Signed contract',
  },
};

const zh: typeof en = {
  title: '附件',
  file: '文件',
  category: '类别',
  size: '大小',
  uploadedBy: '上传人',
  uploadedAt: '上传时间',
  upload: '上传文件',
  uploaded: '已上传 {{name}}',
  none: '暂无附件',
  confirmDelete: '删除 {{name}}？',
  tooLarge: '文件过大，无法上传。{{detail}}',
  refusedType: '不接受此类文件（可执行文件会被拒绝）。{{detail}}',
  categories: {
    general: '一般',
    needs_document: '需求文档',
    competitor_analysis: '竞品分析',
    contract: '合同文本',
  },
};

/**
 * The attachments component's strings (top-level key `attachments`). They travel inside the deals
 * feature's bundle (features/deals/locales.ts), so this folder registers nothing of its own.
 */
export const attachmentsLocales = {
  en: { attachments: en },
  'zh-CN': { attachments: zh },
};
