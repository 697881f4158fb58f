/**
 * The words the page writes itself (Submit, Reset, Cancel, the file picker, "Session ended",
 * validation messages...) in the page's language: the app's choice (config(language=...) or
 * set_env(language=...)), otherwise the browser's; English when we have no table for it.
 * Tables: the languages PyWebIO ships (en, zh) and de, es, fr, ja, ru; all but English live in
 * i18n-tables.js, loaded only when the page needs one (before the frame that draws with it).
 *
 * `t(key, vars)` fills {name} placeholders from vars. `setLanguage(tag)` switches; labels drawn
 * afterwards use the new language.
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
  sessionClosed: 'Session ended',
  sessionLost: 'Disconnected',
  disconnected: 'Disconnected from the server, please refresh the page',
  reconnecting: 'Reconnecting…',
  sessionExpired: 'The session has ended. Reload the page to start again.',
  reload: 'Reload',
  noMatches: 'No matches',
  removeItem: 'Remove {label}',
  searchHint: 'Type to filter the options',
  close: 'Close',
};

/** Languages with a table in i18n-tables.js (loaded when one of them is wanted). */
const OTHERS = ['zh', 'de', 'fr', 'es', 'ru', 'ja'];
const TABLES = { en: EN };
let tablesLoading = null;

/** Load the other languages' tables (once); resolves when they are there. */
export function needTables() {
  tablesLoading ||= import('./i18n-tables.js').then((mod) => { Object.assign(TABLES, mod.TABLES); });
  return tablesLoading;
}

function tableFor(tag) {
  const primary = String(tag || '').toLowerCase().split('-')[0];
  return primary === 'en' || OTHERS.includes(primary) ? primary : null;
}

let pageConfig = {};
try { pageConfig = JSON.parse(document.body?.dataset.config || '{}'); } catch { /* no config: browser language */ }
const browser = navigator.languages?.find(tableFor) || navigator.language || 'en';
let currentLanguage = tableFor(pageConfig.language) || tableFor(browser) || 'en';

/** The page's language code for its own labels ('en', 'zh', 'de'...). */
export const language = () => currentLanguage;

/** Use `tag` ('de', 'zh-CN'...) for the labels drawn from now on; an unknown language gives English. */
export function setLanguage(tag) {
  currentLanguage = tableFor(tag) || 'en';
  document.documentElement.lang = String(tag);
}

if (pageConfig.language) document.documentElement.lang = pageConfig.language;

/** True while the page's language needs tables that are not loaded yet (main.js waits for them). */
export const tablesMissing = () => !(currentLanguage in TABLES);

if (tablesMissing()) needTables();  // start at once, while the socket opens

export function t(key, vars) {
  const text = TABLES[currentLanguage]?.[key] ?? EN[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (all, name) => (name in vars ? String(vars[name]) : all)) : text;
}
