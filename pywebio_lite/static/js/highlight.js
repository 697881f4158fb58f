/**
 * A small syntax highlighter, loaded on demand (dynamic import) by the first code block.
 *
 *   highlight(code, language) -> HTML: the code, HTML-escaped, with tokens wrapped in
 *                                <span class="hl-X">; unknown languages come back escaped only.
 *   highlightElement(el, language)  replaces el's text by its highlighted HTML.
 *   LANGUAGES                       the language names and aliases understood.
 *
 * Token classes (coloured in css/app.css for both themes): hl-c comment, hl-s string,
 * hl-n number, hl-k keyword, hl-l literal (True, null...), hl-b builtin, hl-f function or
 * definition name, hl-d decorator/meta, hl-t tag/selector, hl-a attribute/option, hl-v variable,
 * hl-p property/key, hl-h heading, hl-e emphasis.
 *
 * A language is a list of rules [class, regex source]; the sources are joined into one regex
 * with one capturing group per rule (rule sources use only (?:...) groups), so a line of code is
 * scanned once. A rule's class may be a function (matched text -> HTML) for nested grammars.
 */

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escape = (text) => text.replace(/[&<>"]/g, (c) => ESC[c]);
const wrap = (cls, text) => `<span class="hl-${cls}">${escape(text)}</span>`;
const words = (list) => `\\b(?:${list.split(' ').join('|')})\\b`;

const DQ = '"(?:[^"\\\\\\n]|\\\\.)*"';
const SQ = "'(?:[^'\\\\\\n]|\\\\.)*'";
const NUMBER = '\\b(?:0[xX][\\da-fA-F_]+|0[bBoO][\\d_]+|\\d[\\d_]*(?:\\.\\d[\\d_]*)?(?:[eE][+-]?\\d+)?[jnJ]?)\\b|\\B\\.\\d+\\b';
const CALL = '[A-Za-z_$][\\w$]*(?=\\s*\\()';

const grammars = {};

grammars.python = [
  ['c', '#.*'],
  ['s', '(?:\\b[rRbBuUfF]{1,2})?(?:"""[\\s\\S]*?"""|\'\'\'[\\s\\S]*?\'\'\')'],
  ['s', `(?:\\b[rRbBuUfF]{1,2})?(?:${DQ}|${SQ})`],
  ['d', '(?<=^[ \\t]*)@[\\w.]+'],
  ['f', '(?<=\\b(?:def|class)\\s+)[A-Za-z_]\\w*'],
  ['k', words('and as assert async await break class continue def del elif else except finally for from global if import in is lambda match case nonlocal not or pass raise return try while with yield')],
  ['l', words('True False None')],
  ['b', words('self cls print len range int float str bool list dict set tuple bytes object type isinstance issubclass super open enumerate zip map filter sorted reversed sum min max abs round any all repr hash id iter next getattr setattr hasattr input format Exception ValueError TypeError KeyError IndexError RuntimeError')],
  ['f', CALL],
  ['n', NUMBER],
];

const JS_KEYWORDS = words('async await break case catch class const continue debugger default delete do else export extends finally for from function if import in instanceof let new of return static super switch throw try typeof var void while with yield as implements interface type enum');
grammars.javascript = [
  ['c', '//.*|/\\*[\\s\\S]*?\\*/'],
  ['s', `${DQ}|${SQ}|\`(?:[^\`\\\\]|\\\\[\\s\\S])*\``],
  ['f', '(?<=\\b(?:function\\*?|class)\\s+)[A-Za-z_$][\\w$]*'],
  ['k', JS_KEYWORDS],
  ['l', words('true false null undefined NaN Infinity this')],
  ['b', words('console window document Math JSON Object Array String Number Boolean Promise Map Set Date RegExp Error Symbol globalThis')],
  ['f', CALL],
  ['n', NUMBER],
];

grammars.json = [
  ['p', `${DQ}(?=\\s*:)`],
  ['s', DQ],
  ['l', words('true false null')],
  ['n', '-?\\b\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?\\b'],
];

grammars.sql = [
  ['c', '--.*|/\\*[\\s\\S]*?\\*/'],
  ['s', "'(?:[^']|'')*'"],
  ['v', '"(?:[^"]|"")*"|`[^`]*`'],
  ['k', words('select from where and or not insert into values update set delete create table drop alter add column index view primary key foreign references join inner left right full outer cross on as group by order having limit offset union all distinct case when then else end is in like between exists default unique check constraint begin commit rollback transaction with returning desc asc if replace')],
  ['l', words('null true false')],
  ['b', words('int integer bigint smallint text varchar char boolean date timestamp real float double numeric decimal blob serial')],
  ['f', CALL],
  ['n', NUMBER],
];

grammars.bash = [
  ['c', '(?<=^|\\s)#.*'],
  ['s', `"(?:[^"\\\\]|\\\\[\\s\\S])*"|'[^']*'`],
  ['v', '\\$(?:\\{[^}\\n]*\\}|\\w+|[@#?$!*0-9-])'],
  ['k', words('if then else elif fi for in do done case esac while until function return export local readonly declare select time')],
  ['b', words('echo cd ls pwd cat grep sed awk printf read source set unset exit test sudo pip python python3 cp mv rm mkdir chmod chown curl wget git make tar kill true false')],
  ['a', '(?<=\\s)--?[A-Za-z][\\w-]*'],
  ['n', '\\b\\d+\\b'],
];

grammars.css = [
  ['c', '/\\*[\\s\\S]*?\\*/'],
  ['s', `${DQ}|${SQ}`],
  ['k', '@[\\w-]+|!important'],
  ['p', '(?<=[{;]\\s*)-{0,2}[A-Za-z][\\w-]*(?=\\s*:)'],
  ['f', '[\\w-]+(?=\\()'],
  ['n', '#[\\da-fA-F]{3,8}\\b|-?(?:\\b\\d+(?:\\.\\d+)?|\\B\\.\\d+)(?:%|[a-z]+\\b)?'],
  ['t', '[.#][A-Za-z_-][\\w-]*|(?<![{;]\\s*-{0,2}[A-Za-z][\\w-]*\\s*)::?[\\w-]+'],
];

/** An HTML tag: its name, attribute names and values. */
function tag(text) {
  const m = /^(<\/?)([^\s/>]+)([\s\S]*?)(\/?>)$/.exec(text);
  if (!m) return escape(text);
  const attrs = m[3].replace(/([^\s=]+)(?:(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+))?|([^]+?)/g,
    (all, name, eq, value, other) => (other !== undefined ? escape(other)
      : wrap('a', name) + (eq ? escape(eq) + wrap('s', value) : '')));
  return `${escape(m[1])}${wrap('t', m[2])}${attrs}${escape(m[4])}`;
}

/**
 * <script> and <style> elements: their content in JavaScript / CSS. Mismatched tags
 * (`<script>...</style>`) are no element: the opening tag is a tag and the rest is HTML again.
 */
function embedded(text) {
  const m = /^(<(script|style)\b[^>]*>)([\s\S]*?)(<\/\2\s*>)$/i.exec(text);
  if (!m) {
    const open = /^<[^>]*>/.exec(text)[0];
    return tag(open) + highlight(text.slice(open.length), 'html');
  }
  return tag(m[1]) + highlight(m[3], m[2].toLowerCase() === 'style' ? 'css' : 'javascript') + tag(m[4]);
}

grammars.html = [
  ['c', '<!--[\\s\\S]*?-->'],
  ['d', '<![^>]*>|<\\?[\\s\\S]*?\\?>'],
  [embedded, '<(?:script|style)\\b[^>]*>[\\s\\S]*?<\\/(?:script|style)\\s*>'],
  [tag, '<\\/?[A-Za-z][^\\s/>]*(?:[^>"\']|"[^"]*"|\'[^\']*\')*>'],
  ['n', '&#?\\w+;'],
];

/** A fenced block inside markdown: highlighted in its own language when it names one. */
function fence(text) {
  const m = /^(\s*(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*\n?)([\s\S]*?)(\n?[ \t]*\2`*[ \t]*)?$/.exec(text);
  if (!m || !m[3]) return wrap('s', text);
  return wrap('d', m[1]) + highlight(m[4], m[3]) + (m[5] ? wrap('d', m[5]) : '');
}

grammars.markdown = [
  [fence, '^[ \\t]*(?:```[\\s\\S]*?(?:\\n[ \\t]*```|$(?![\\s\\S]))|~~~[\\s\\S]*?(?:\\n[ \\t]*~~~|$(?![\\s\\S])))'],
  ['h', '^#{1,6}[ \\t].*|^[^\\n]+\\n(?:=+|-+)[ \\t]*$'],
  ['c', '^[ \\t]*>.*'],
  ['k', '^[ \\t]*(?:[-*+]|\\d+[.)])(?=[ \\t])|^[ \\t]*(?:[-*_][ \\t]*){3,}$'],
  ['s', '`[^`\\n]+`'],
  ['e', '\\*\\*[^*\\n]+\\*\\*|__[^_\\n]+__|\\*[^*\\s][^*\\n]*\\*|\\b_[^_\\n]+_\\b|~~[^~\\n]+~~'],
  ['a', '!?\\[[^\\]\\n]*\\]\\([^)\\n]*\\)|<https?:[^>\\s]+>'],
];

const ALIASES = {
  py: 'python', python3: 'python', py3: 'python', pycon: 'python',
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript', ts: 'javascript', typescript: 'javascript', tsx: 'javascript',
  xml: 'html', svg: 'html', htm: 'html', xhtml: 'html', vue: 'html',
  sh: 'bash', shell: 'bash', zsh: 'bash', console: 'bash', shellsession: 'bash',
  md: 'markdown', jsonc: 'json', json5: 'json', sqlite: 'sql', mysql: 'sql', postgresql: 'sql', postgres: 'sql', scss: 'css', less: 'css',
};

export const LANGUAGES = [...Object.keys(grammars), ...Object.keys(ALIASES)];

const compiled = {};

function compile(name) {
  const rules = grammars[name];
  const flags = name === 'sql' ? 'gmi' : 'gm';
  return (compiled[name] = { re: new RegExp(rules.map((r) => `(${r[1]})`).join('|'), flags), classes: rules.map((r) => r[0]) });
}

/**
 * The code as HTML-escaped text, with its tokens wrapped in <span class="hl-X">. Never throws:
 * should a grammar ever fail on some text, that text comes back escaped, unhighlighted.
 */
export function highlight(code, language) {
  code = String(code ?? '');
  try {
    return tokenize(code, language);
  } catch (e) {
    console.warn('highlight: left unhighlighted', e);
    return escape(code);
  }
}

function tokenize(code, language) {
  const name = ALIASES[String(language).toLowerCase()] || String(language).toLowerCase();
  if (!grammars[name]) return escape(code);
  const { re, classes } = compiled[name] || compile(name);
  let out = '';
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    if (!m[0]) {  // an empty match (a lookahead at the end): step over it
      re.lastIndex++;
      continue;
    }
    let i = 1;
    while (m[i] === undefined) i++;
    const cls = classes[i - 1];
    // A nested grammar may use this very regex (markdown in markdown): put lastIndex back after.
    out += escape(code.slice(last, m.index)) + (typeof cls === 'function' ? cls(m[0]) : wrap(cls, m[0]));
    last = m.index + m[0].length;
    re.lastIndex = last;
  }
  return out + escape(code.slice(last));
}

/** Longest code that gets highlighted; longer blocks stay plain (still readable, never slow). */
const MAX_CHARS = 200000;

/** Highlight an element's text in place (for <code> blocks). */
export function highlightElement(el, language) {
  const code = el.textContent;
  if (code.length > MAX_CHARS) return;
  el.innerHTML = highlight(code, language);  // escaped by highlight()
  el.classList.add('hl');
}
