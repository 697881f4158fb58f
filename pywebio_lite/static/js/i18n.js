/**
 * The words the page writes itself (Submit, Reset, Cancel, the file picker, "Session ended",
 * validation messages...) in the page's language: the app's choice (config(language=...) or
 * set_env(language=...)), otherwise the browser's; English when we have no table for it.
 * Tables: the languages PyWebIO ships (en, zh) and de, es, fr, ja, ru.
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
  noMatches: 'No matches',
  removeItem: 'Remove {label}',
  searchHint: 'Type to filter the options',
  close: 'Close',
};

const TABLES = {
  en: EN,
  zh: {
    submit: '提交', reset: '重置', cancel: '取消',
    required: '请填写此字段', number: '请输入数字', integer: '请输入整数',
    tooBig: '文件过大：{size}（上限 {limit}）', tooBigTotal: '文件总大小过大：{size}（上限 {limit}）',
    uploading: '上传中', uploadFailed: '上传失败，请重试',
    chooseFile: '选择文件', chooseFiles: '选择文件', dropHint: '或拖放到这里', files: '{n} 个文件',
    expired: '此输入控件已被新的同名控件取代',
    editorHint: 'Tab 缩进，Shift+Tab 取消缩进。按 Esc 后再按 Tab 可离开编辑器。',
    sessionClosed: '会话已结束', sessionLost: '连接已断开', disconnected: '与服务器的连接已断开，请刷新页面',
    noMatches: '没有匹配项', removeItem: '移除 {label}', searchHint: '输入文字以筛选选项', close: '关闭',
  },
  de: {
    submit: 'Absenden', reset: 'Zurücksetzen', cancel: 'Abbrechen',
    required: 'Bitte füllen Sie dieses Feld aus', number: 'Bitte geben Sie eine Zahl ein',
    integer: 'Bitte geben Sie eine ganze Zahl ein',
    tooBig: 'Die Datei ist zu groß: {size} (höchstens {limit})',
    tooBigTotal: 'Die Dateien sind zusammen zu groß: {size} (höchstens {limit})',
    uploading: 'Wird hochgeladen', uploadFailed: 'Das Hochladen ist fehlgeschlagen; bitte versuchen Sie es erneut',
    chooseFile: 'Datei auswählen', chooseFiles: 'Dateien auswählen', dropHint: 'oder hier ablegen', files: '{n} Dateien',
    expired: 'Dieses Eingabefeld wurde durch ein neueres ersetzt',
    editorHint: 'Tab rückt ein, Umschalt+Tab rückt aus. Zum Verlassen des Editors Esc und dann Tab drücken.',
    sessionClosed: 'Sitzung beendet', sessionLost: 'Verbindung getrennt',
    disconnected: 'Die Verbindung zum Server wurde getrennt, bitte laden Sie die Seite neu',
    noMatches: 'Keine Treffer', removeItem: '{label} entfernen', searchHint: 'Tippen, um die Optionen zu filtern', close: 'Schließen',
  },
  fr: {
    submit: 'Envoyer', reset: 'Réinitialiser', cancel: 'Annuler',
    required: 'Veuillez remplir ce champ', number: 'Veuillez saisir un nombre', integer: 'Veuillez saisir un nombre entier',
    tooBig: 'Le fichier est trop volumineux : {size} (la limite est {limit})',
    tooBigTotal: 'Les fichiers sont trop volumineux ensemble : {size} (la limite est {limit})',
    uploading: 'Envoi en cours', uploadFailed: "L'envoi a échoué ; veuillez réessayer",
    chooseFile: 'Choisir un fichier', chooseFiles: 'Choisir des fichiers', dropHint: 'ou déposer ici', files: '{n} fichiers',
    expired: 'Ce champ a été remplacé par un plus récent',
    editorHint: "Tab indente, Maj+Tab désindente. Pour quitter l'éditeur, appuyez sur Échap puis Tab.",
    sessionClosed: 'Session terminée', sessionLost: 'Déconnecté',
    disconnected: 'Déconnecté du serveur, veuillez actualiser la page',
    noMatches: 'Aucun résultat', removeItem: 'Retirer {label}', searchHint: 'Tapez pour filtrer les options', close: 'Fermer',
  },
  es: {
    submit: 'Enviar', reset: 'Restablecer', cancel: 'Cancelar',
    required: 'Rellene este campo', number: 'Introduzca un número', integer: 'Introduzca un número entero',
    tooBig: 'El archivo es demasiado grande: {size} (el límite es {limit})',
    tooBigTotal: 'Los archivos son demasiado grandes en conjunto: {size} (el límite es {limit})',
    uploading: 'Subiendo', uploadFailed: 'La subida ha fallado; inténtelo de nuevo',
    chooseFile: 'Elegir archivo', chooseFiles: 'Elegir archivos', dropHint: 'o suéltelos aquí', files: '{n} archivos',
    expired: 'Este campo se ha sustituido por uno más reciente',
    editorHint: 'Tab sangra, Mayús+Tab quita la sangría. Para salir del editor, pulse Esc y después Tab.',
    sessionClosed: 'Sesión terminada', sessionLost: 'Desconectado',
    disconnected: 'Se ha perdido la conexión con el servidor; actualice la página',
    noMatches: 'Sin coincidencias', removeItem: 'Quitar {label}', searchHint: 'Escriba para filtrar las opciones', close: 'Cerrar',
  },
  ru: {
    submit: 'Отправить', reset: 'Сбросить', cancel: 'Отмена',
    required: 'Заполните это поле', number: 'Введите число', integer: 'Введите целое число',
    tooBig: 'Файл слишком большой: {size} (предел {limit})',
    tooBigTotal: 'Файлы вместе слишком большие: {size} (предел {limit})',
    uploading: 'Загрузка', uploadFailed: 'Не удалось загрузить; попробуйте ещё раз',
    chooseFile: 'Выбрать файл', chooseFiles: 'Выбрать файлы', dropHint: 'или перетащите сюда', files: 'Файлов: {n}',
    expired: 'Это поле заменено более новым',
    editorHint: 'Tab — отступ, Shift+Tab — убрать отступ. Чтобы выйти из редактора, нажмите Esc, затем Tab.',
    sessionClosed: 'Сеанс завершён', sessionLost: 'Соединение потеряно',
    disconnected: 'Соединение с сервером потеряно, обновите страницу',
    noMatches: 'Ничего не найдено', removeItem: 'Убрать {label}', searchHint: 'Начните вводить, чтобы отфильтровать варианты', close: 'Закрыть',
  },
  ja: {
    submit: '送信', reset: 'リセット', cancel: 'キャンセル',
    required: 'このフィールドを入力してください', number: '数値を入力してください', integer: '整数を入力してください',
    tooBig: 'ファイルが大きすぎます: {size}（上限 {limit}）',
    tooBigTotal: 'ファイルの合計サイズが大きすぎます: {size}（上限 {limit}）',
    uploading: 'アップロード中', uploadFailed: 'アップロードに失敗しました。もう一度お試しください',
    chooseFile: 'ファイルを選択', chooseFiles: 'ファイルを選択', dropHint: 'またはここにドロップ', files: '{n} 個のファイル',
    expired: 'この入力欄は新しいものに置き換えられました',
    editorHint: 'Tab でインデント、Shift+Tab でインデント解除。エディタを離れるには Esc の後に Tab を押します。',
    sessionClosed: 'セッションは終了しました', sessionLost: '切断されました',
    disconnected: 'サーバーとの接続が切れました。ページを再読み込みしてください',
    noMatches: '一致する項目はありません', removeItem: '{label} を削除', searchHint: '入力して選択肢を絞り込みます', close: '閉じる',
  },
};

function tableFor(tag) {
  const primary = String(tag || '').toLowerCase().split('-')[0];
  return Object.hasOwn(TABLES, primary) ? primary : null;
}

let config = {};
try { config = JSON.parse(document.body?.dataset.config || '{}'); } catch { /* no config: browser language */ }
const browser = navigator.languages?.find(tableFor) || navigator.language || 'en';
let current = tableFor(config.language) || tableFor(browser) || 'en';

/** The page's language code for its own labels ('en', 'zh', 'de'...). */
export const language = () => current;

/** Use `tag` ('de', 'zh-CN'...) for the labels drawn from now on; an unknown language gives English. */
export function setLanguage(tag) {
  current = tableFor(tag) || 'en';
  document.documentElement.lang = String(tag);
}

if (config.language) document.documentElement.lang = config.language;

export function t(key, vars) {
  const text = TABLES[current][key] ?? EN[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (all, name) => (name in vars ? String(vars[name]) : all)) : text;
}
