/**
 * The few words the input side writes itself, in the browser's language (English otherwise).
 * `t(key, vars)` fills {name} placeholders from vars.
 */

const EN = {
  submit: 'Submit',
  reset: 'Reset',
  cancel: 'Cancel',
  required: 'Please fill in this field',
  number: 'Please enter a number',
  integer: 'Please enter a whole number',
  tooBig: 'The file is too big: {size} (the limit is {limit})',
  tooBigTotal: 'The files are too big together: {size} (the limit is {limit})',
  tooLong: 'This is too long to send: {size} (the limit is {limit})',
  tooLongTogether: 'The fields are too long to send together: {size} (the limit is {limit})',
  uploading: 'Uploading',
  uploadFailed: 'The upload failed; please try again',
  chooseFile: 'Choose file',
  chooseFiles: 'Choose files',
  dropHint: 'or drop here',
  files: '{n} files',
  expired: 'This input was replaced by a newer one',
  editorHint: 'Tab indents, Shift+Tab dedents. To leave the editor, press Esc, then Tab.',
};

const ZH = {
  submit: '提交',
  reset: '重置',
  cancel: '取消',
  required: '请填写此字段',
  number: '请输入数字',
  integer: '请输入整数',
  tooBig: '文件过大：{size}（上限 {limit}）',
  tooBigTotal: '文件总大小过大：{size}（上限 {limit}）',
  tooLong: '内容过长，无法发送：{size}（上限 {limit}）',
  tooLongTogether: '各字段合计过长，无法发送：{size}（上限 {limit}）',
  uploading: '上传中',
  uploadFailed: '上传失败，请重试',
  chooseFile: '选择文件',
  chooseFiles: '选择文件',
  dropHint: '或拖放到这里',
  files: '{n} 个文件',
  expired: '此输入控件已被新的同名控件取代',
  editorHint: 'Tab 缩进，Shift+Tab 取消缩进。按 Esc 后再按 Tab 可离开编辑器。',
};

const language = (navigator.languages?.[0] || navigator.language || 'en').toLowerCase();
const table = language.startsWith('zh') ? ZH : EN;

/** The page's language code for the input side: 'zh' or 'en'. */
export const lang = table === ZH ? 'zh' : 'en';

export function t(key, vars) {
  const text = table[key] ?? EN[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (all, name) => (name in vars ? String(vars[name]) : all)) : text;
}

/** A byte count as people read it: 512 B, 1.5 KB, 20.0 MB (binary units, like the server). */
export function formatSize(n) {
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return i ? `${n.toFixed(1)} ${units[i]}` : `${n} B`;
}
