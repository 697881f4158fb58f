/**
 * A small code editor for textarea(code={...}) and put_textarea(code={...}).
 *
 * Technique: the real <textarea> (which keeps its label, value, undo history and form role)
 * lies exactly under a highlighted copy of its text. Both sit in one CSS grid: each line of the
 * copy is a grid row (with its line number in the first column), and the textarea spans all the
 * rows of the code column with the same font, padding and wrapping, and transparent text. The
 * grid is as big as the text, so the textarea never scrolls; the box around it does. The
 * visible lines are drawn over the textarea (its caret and selection show through them), and a
 * press on them places the textarea's caret at the character pressed (onBlankClick).
 *
 * Keys: Tab indents (the selected lines, or to the next indent stop), Shift+Tab dedents, Enter
 * keeps the indentation (one more after ':' in Python, after an opening bracket elsewhere),
 * Backspace in leading spaces removes one indent unit. Esc, then Tab, moves focus on as usual.
 *
 * CodeMirror-style options understood: mode (a name, a MIME type like 'text/x-python', or
 * {name, json}), theme (dark themes such as 'darcula' or 'monokai' get the dark palette, other
 * names the light one, none follows the page), lineNumbers (default true), indentUnit (4),
 * tabSize (4), indentWithTabs, readOnly, lineWrapping. Other options are ignored.
 */
import { h } from '../dom.js';
import { highlight } from '../highlight.js';

const MIME = {
  'application/json': 'json', 'application/ld+json': 'json', 'text/x-json': 'json',
  'text/x-python': 'python', 'text/x-cython': 'python', 'python3': 'python',
  'text/javascript': 'javascript', 'application/javascript': 'javascript', 'text/ecmascript': 'javascript',
  'text/typescript': 'javascript', 'application/typescript': 'javascript',
  'text/x-sql': 'sql', 'text/x-mysql': 'sql', 'text/x-mariadb': 'sql', 'text/x-pgsql': 'sql',
  'text/x-sqlite': 'sql', 'text/x-mssql': 'sql', 'text/x-plsql': 'sql',
  'text/x-markdown': 'markdown', 'text/markdown': 'markdown', 'gfm': 'markdown', 'text/x-gfm': 'markdown',
  'text/html': 'html', 'htmlmixed': 'html', 'text/xml': 'html', 'application/xml': 'html',
  'text/css': 'css', 'text/x-scss': 'css', 'text/x-less': 'css', 'text/x-sh': 'bash', 'application/x-sh': 'bash',
};
const DARK = /dark|night|darcula|monokai|dracula|material|nord|one-?dark|oceanic|twilight|vibrant|zenburn|cobalt|blackboard|mbo|midnight|pastel-on|rubyblue|seti|shadowfox|matrix|ayu|icecoder|isotope|lucario|panda|railscasts|bespin|hopscotch|colorforth|abbott|abcdef|ambiance|yonce|moxer|erlang|lesser|tomorrow-night|3024-night|paraiso-dark|gruvbox-dark|cyberpunk|tokyo/;
/** Longer code is shown without colours (still edited normally). */
const MAX_HIGHLIGHT = 200000;

/** The highlighter's language for a CodeMirror `mode` option. */
export function languageOf(mode) {
  if (mode && typeof mode === 'object') {
    if (mode.json) return 'json';
    mode = mode.name;
  }
  const m = String(mode ?? '').trim().toLowerCase();
  return MIME[m] || m.replace(/^(text|application)\/(x-)?/, '');
}

const isDarkTheme = (theme) => DARK.test(String(theme).toLowerCase());

function intOption(value, fallback) {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 16 ? n : fallback;
}

/**
 * Cut highlighted HTML into lines, closing the spans still open at each line end and opening
 * them again on the next line (a string or comment may span lines).
 */
function splitLines(html) {
  const lines = [];
  const open = [];
  let line = '';
  let last = 0;
  const re = /<span class="[^"]*">|<\/span>|\n/g;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    line += html.slice(last, m.index);
    last = re.lastIndex;
    if (m[0] === '\n') {
      lines.push(line + '</span>'.repeat(open.length));
      line = open.join('');
    } else if (m[0] === '</span>') {
      open.pop();
      line += m[0];
    } else {
      open.push(m[0]);
      line += m[0];
    }
  }
  lines.push(line + html.slice(last));
  return lines;
}

export function attachEditor(area, options = {}, opts = {}) {
  return new Editor(area, options || {}, opts);
}

class Editor {
  constructor(area, options, { rows = 6 } = {}) {
    this.area = area;
    this.language = languageOf(options.mode);
    this.indentUnit = intOption(options.indentUnit, 4);
    this.useTabs = !!options.indentWithTabs;
    this.optionReadOnly = options.readOnly === true || options.readOnly === 'nocursor';
    this.numbers = options.lineNumbers !== false;
    this.wrap = !!options.lineWrapping;
    this.escaped = false;
    this.rows = [];   // [[number element | null, line element]]
    this.html = [];   // the HTML shown in each line element

    const theme = options.theme ? (isDarkTheme(options.theme) ? 'dark' : 'light') : null;
    this.grid = h('div', { class: 'pwl-editor-grid' });
    this.scroller = h('div', { class: 'pwl-editor-scroll' }, this.grid);
    this.root = h('div', {
      class: `pwl-editor${this.wrap ? ' pwl-editor-wrap' : ''}${this.numbers ? ' pwl-editor-numbered' : ''}`,
      'data-scheme': theme, 'data-language': this.language || null,
    }, this.scroller);
    this.root.style.setProperty('--rows', Math.max(1, Number(rows) || 6));
    this.root.style.setProperty('--tab', intOption(options.tabSize, 4));

    const focused = document.activeElement === area;
    const [start, end] = [area.selectionStart, area.selectionEnd];
    area.before(this.root);
    this.grid.append(area);
    area.classList.remove('pwl-input', 'pwl-textarea');
    area.classList.add('pwl-editor-input');
    area.rows = 1;
    area.cols = 1;
    area.wrap = this.wrap ? 'soft' : 'off';
    for (const [key, value] of [['spellcheck', 'false'], ['autocapitalize', 'off'], ['autocomplete', 'off'], ['autocorrect', 'off'], ['translate', 'no']]) {
      area.setAttribute(key, value);
    }
    if (this.optionReadOnly) area.readOnly = true;
    if (focused) {
      area.focus({ preventScroll: true });
      area.setSelectionRange(start, end);
    }

    area.addEventListener('input', () => this.render());
    area.addEventListener('keydown', (ev) => this.onKey(ev));
    area.addEventListener('scroll', () => { area.scrollTop = 0; area.scrollLeft = 0; });
    this.scroller.addEventListener('mousedown', (ev) => this.onBlankClick(ev));
    this.render();
  }

  /** Redraw the highlighted copy after the text changed (only the lines that differ). */
  render() {
    const code = this.area.value;
    const lines = splitLines(highlight(code, code.length > MAX_HIGHLIGHT ? '' : this.language));
    while (this.rows.length < lines.length) {
      const row = this.rows.length + 1;
      const num = this.numbers ? h('div', { class: 'pwl-editor-num', 'aria-hidden': 'true' }, String(row)) : null;
      const line = h('div', { class: 'pwl-editor-line', 'aria-hidden': 'true' });
      if (num) num.style.gridArea = `${row} / 1`;
      line.style.gridArea = `${row} / 2`;
      this.grid.insertBefore(line, this.area);
      if (num) this.grid.insertBefore(num, line);
      this.rows.push([num, line]);
      this.html.push(null);
    }
    while (this.rows.length > lines.length) {
      const [num, line] = this.rows.pop();
      num?.remove();
      line.remove();
      this.html.pop();
    }
    lines.forEach((html, i) => {
      if (this.html[i] === html) return;
      this.rows[i][1].innerHTML = html;  // escaped by highlight()
      this.html[i] = html;
    });
    this.area.style.gridRow = `1 / span ${lines.length}`;
    this.root.style.setProperty('--digits', String(lines.length).length);
  }

  refresh() {
    this.render();
  }

  setReadOnly(on) {
    this.area.readOnly = !!on || this.optionReadOnly;
    this.root.classList.toggle('pwl-editor-readonly', this.area.readOnly);
  }

  setDisabled(on) {
    this.area.disabled = !!on;
    this.root.classList.toggle('pwl-editor-disabled', !!on);
  }

  // ------------------------------------------------------------------ editing
  get unit() {
    return this.useTabs ? '\t' : ' '.repeat(this.indentUnit);
  }

  /** Replace the selection by `text` as typing would (undo works, `input` fires). */
  insert(text) {
    const area = this.area;
    area.focus({ preventScroll: true });
    const done = text ? document.execCommand('insertText', false, text) : document.execCommand('delete');
    if (!done) {
      area.setRangeText(text, area.selectionStart, area.selectionEnd, 'end');
      area.dispatchEvent(new Event('input', { bubbles: true }));
    }
  }

  onKey(ev) {
    if (ev.isComposing || ev.defaultPrevented) return;
    const plain = !ev.ctrlKey && !ev.altKey && !ev.metaKey;
    if (ev.key === 'Escape') {
      this.escaped = true;
      return;
    }
    if (ev.key === 'Tab' && plain) {
      if (this.escaped || this.area.readOnly) {  // let focus move on
        this.escaped = false;
        return;
      }
      ev.preventDefault();
      if (ev.shiftKey) this.shiftLines(-1);
      else this.indent();
      return;
    }
    if (ev.key !== 'Shift') this.escaped = false;
    if (this.area.readOnly || !plain) return;
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      this.newline();
    } else if (ev.key === 'Backspace' && !ev.shiftKey && this.backspace()) {
      ev.preventDefault();
    }
  }

  indent() {
    const { value, selectionStart: s, selectionEnd: e } = this.area;
    if (s !== e && value.slice(s, e).includes('\n')) {
      this.shiftLines(1);
      return;
    }
    if (this.useTabs) {
      this.insert('\t');
      return;
    }
    const column = s - (value.lastIndexOf('\n', s - 1) + 1);
    this.insert(' '.repeat(this.indentUnit - (column % this.indentUnit)));
  }

  /** Indent (dir 1) or dedent (dir -1) every line the selection touches. */
  shiftLines(dir) {
    const area = this.area;
    const { value, selectionStart: s, selectionEnd: e } = area;
    const start = value.lastIndexOf('\n', s - 1) + 1;
    const end = e > s && value[e - 1] === '\n' ? e - 1 : e;
    const stopAt = value.indexOf('\n', end);
    const stop = stopAt < 0 ? value.length : stopAt;
    const block = value.slice(start, stop);
    const lines = block.split('\n');
    let firstRemoved = 0;
    const shifted = lines.map((line, i) => {
      if (dir > 0) return line.trim() || lines.length === 1 ? this.unit + line : line;
      const cut = line.startsWith('\t') ? 1 : /^ */.exec(line)[0].length && Math.min(this.indentUnit, /^ */.exec(line)[0].length);
      if (i === 0) firstRemoved = cut;
      return line.slice(cut);
    });
    const text = shifted.join('\n');
    if (text === block) return;
    area.setSelectionRange(start, stop);
    this.insert(text);
    if (s === e && lines.length === 1) {
      const caret = dir > 0 ? s + this.unit.length : Math.max(start, s - firstRemoved);
      area.setSelectionRange(caret, caret);
    } else {
      area.setSelectionRange(start, start + text.length);
    }
  }

  newline() {
    const { value, selectionStart: s, selectionEnd: e } = this.area;
    const before = value.slice(value.lastIndexOf('\n', s - 1) + 1, s);
    let indent = /^[ \t]*/.exec(before)[0];
    const last = before.trimEnd().slice(-1);
    let extra = '';
    if (this.language === 'python' || this.language === 'py') {
      if (last && ':([{'.includes(last)) extra = this.unit;
      else if (/^\s*(return|pass|break|continue|raise)\b/.test(before)) indent = this.dedented(indent);
    } else if (last && '{[('.includes(last)) {
      extra = this.unit;
    }
    const closer = { '{': '}', '[': ']', '(': ')' }[last];
    if (extra && closer && value[e] === closer) {
      this.insert(`\n${indent}${extra}\n${indent}`);
      const caret = s + 1 + indent.length + extra.length;
      this.area.setSelectionRange(caret, caret);
    } else {
      this.insert(`\n${indent}${extra}`);
    }
  }

  dedented(indent) {
    if (indent.endsWith('\t')) return indent.slice(0, -1);
    return indent.slice(0, Math.max(0, indent.length - this.indentUnit));
  }

  /** Backspace in the leading spaces of a line removes back to the previous indent stop. */
  backspace() {
    const area = this.area;
    const { value, selectionStart: s, selectionEnd: e } = area;
    if (s !== e || this.useTabs) return false;
    const before = value.slice(value.lastIndexOf('\n', s - 1) + 1, s);
    if (before.length < 2 || /[^ ]/.test(before)) return false;
    const remove = ((before.length - 1) % this.indentUnit) + 1;
    if (remove < 2) return false;
    area.setSelectionRange(s - remove, s);
    this.insert('');
    return true;
  }

  /**
   * A right press on the code: the textarea's own menu (Paste...) should open, so the lines let
   * the pointer through until the menu event has passed; outside a selection the caret moves there.
   */
  onMenuPress(ev) {
    ev.preventDefault();  // keep the focus in the textarea
    const area = this.area;
    const at = this.offsetAt(ev.clientX, ev.clientY);
    if (at != null && (at < area.selectionStart || at > area.selectionEnd)) {
      area.focus({ preventScroll: true });
      area.setSelectionRange(at, at);
    }
    this.root.classList.add('pwl-editor-menu');
    const done = () => setTimeout(() => this.root.classList.remove('pwl-editor-menu'));
    document.addEventListener('contextmenu', done, { once: true, capture: true });
    document.addEventListener('mouseup', done, { once: true, capture: true });
  }

  /** Offset in the text where line `row` starts. */
  lineStart(row) {
    return this.area.value.split('\n').slice(0, row).reduce((n, line) => n + line.length + 1, 0);
  }

  /**
   * The text offset under the point (x, y): on a visible line, the character there; on the
   * textarea, its own caret position; null elsewhere.
   */
  offsetAt(x, y) {
    const pos = document.caretPositionFromPoint?.(x, y);
    const range = pos ? null : document.caretRangeFromPoint?.(x, y);
    const node = pos ? pos.offsetNode : range?.startContainer;
    const offset = pos ? pos.offset : range?.startOffset;
    if (!node) return null;
    if (node === this.area) return offset;
    const row = this.rows.findIndex(([, line]) => line.contains(node));
    if (row < 0) return null;
    const before = document.createRange();
    before.setStart(this.rows[row][1], 0);
    before.setEnd(node, offset);
    const length = (this.area.value.split('\n')[row] ?? '').length;
    return this.lineStart(row) + Math.min(before.toString().length, length);
  }

  /**
   * A press on the code puts the caret there, as a press on a textarea would: the visible lines
   * lie over the textarea, so people and test tools click the text they see. Dragging selects,
   * a double press selects a word, a triple press the line. A press on the gutter goes to the
   * start of that line, below the text to the end.
   */
  onBlankClick(ev) {
    if (ev.target === this.area || this.area.disabled) return;
    if (ev.button === 2) return this.onMenuPress(ev);
    if (ev.button !== 0) return;
    ev.preventDefault();
    const area = this.area;
    let caret = area.value.length;
    const row = this.rows.findIndex(([num, line]) => num === ev.target || line.contains(ev.target));
    const onLine = row >= 0 && this.rows[row][0] !== ev.target;
    if (row >= 0) caret = this.lineStart(row);
    if (onLine) caret = this.offsetAt(ev.clientX, ev.clientY) ?? caret;
    area.focus({ preventScroll: true });
    if (onLine && ev.detail >= 2) {
      const text = area.value;
      let [start, end] = [caret, caret];
      if (ev.detail === 2) {
        const word = /[\p{L}\p{N}_$]/u;
        while (start > 0 && word.test(text[start - 1])) start--;
        while (end < text.length && word.test(text[end])) end++;
      } else {
        start = this.lineStart(row);
        end = start + text.split('\n')[row].length;
      }
      area.setSelectionRange(start, end);
      return;
    }
    area.setSelectionRange(caret, caret);
    if (!onLine) return;
    const anchor = caret;
    const move = (e) => {
      const at = this.offsetAt(e.clientX, e.clientY);
      if (at == null) return;
      if (at < anchor) area.setSelectionRange(at, anchor, 'backward');
      else area.setSelectionRange(anchor, at, 'forward');
    };
    const up = () => {
      document.removeEventListener('mousemove', move);
      document.removeEventListener('mouseup', up);
    };
    document.addEventListener('mousemove', move);
    document.addEventListener('mouseup', up);
  }
}
