/**
 * The datatable grid: a virtual-scrolling ARIA grid drawn from a `datatable` spec.
 *
 * One scrolling element (role="grid") holds a sticky header (group header rows, the column
 * headers, the filter row) and a body as tall as all its rows. Only the rows in view (plus a few)
 * and, sideways, only the columns in view are in the DOM; row elements are reused as they scroll.
 * Pinned columns are `position: sticky`; every width is a CSS variable (--wK) on the root, so a
 * column resize is one style change. Heights above MAX_BODY_PX are scaled so a million rows fit
 * the browser's limit on element height.
 *
 * Keyboard: arrows move the focused cell (header included), Home/End, Ctrl+Home/End, PageUp/
 * PageDown; Enter sorts on a header and activates a cell (like a click); Space selects the row;
 * Shift+arrows extend a multiple selection, Ctrl+A selects all; Alt+Left/Right resizes a column.
 * Cell text always goes in through textContent; only an app's cellRenderer may return HTML.
 */
import { sendEvent } from '../connection.js';
import { h } from '../dom.js';
import { Store, toText, looksNumeric, parseFilter } from './model.js';
import { buildColumns, gridOptions, eventHandler, path2field } from './columns.js';

const THEMES = { balham: { row: 28, head: 32 }, alpine: { row: 42, head: 48 }, material: { row: 48, head: 56 } };
const MAX_BODY_PX = 8e6;
const OVERSCAN = 8;
const COL_OVERSCAN_PX = 240;
const MAX_AUTO_WIDTH = 360;
const fmt = new Intl.NumberFormat('en-US');

const posInt = (v) => (Number.isInteger(v) && v > 0 ? v : 0);
const plural = (n, word) => `${fmt.format(n)} ${word}${n === 1 ? '' : 's'}`;

function valueAt(record, path) {
  let v = record;
  for (const key of path) {
    if (v == null || typeof v !== 'object') return null;
    v = v[key];
  }
  return v === undefined ? null : v;
}

function styleText(style) {
  if (!style || typeof style !== 'object') return '';
  let out = '';
  for (const key in style) {
    const prop = key.includes('-') ? key : key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`);
    out += `;${prop}:${style[key]}`;
  }
  return out;
}

/** Set an element's text, reusing its text node (cheaper than textContent while scrolling). */
function setText(el, text) {
  const node = el.firstChild;
  if (node && node.nodeType === 3 && !node.nextSibling) {
    if (node.data !== text) node.data = text;
  } else {
    el.textContent = text;
  }
}

/** Call an app's function; an exception is logged, never thrown into the grid. */
function call(fn, what, ...args) {
  try {
    return fn(...args);
  } catch (err) {
    console.error(`pywebio_lite datatable: ${what} failed`, err);
    return undefined;
  }
}

export class Grid {
  constructor(spec) {
    this.spec = spec;
    this.args = gridOptions(spec);
    const { columns, depth } = buildColumns(spec, this.args);
    this.columns = columns;
    this.depth = depth;
    const look = THEMES[String(spec.theme || 'balham').replace('-dark', '')] || THEMES.balham;
    this.rowH = posInt(this.args.rowHeight) || look.row;
    this.headH = posInt(this.args.headerHeight) || look.head;
    this.fields = spec.fields || [];
    this.fieldIndex = new Map(this.fields.map((p, i) => [JSON.stringify(p), i]));
    this.fieldNames = this.fields.map((p) => [path2field(p), p]);
    this.idPath = spec.id_field || null;
    let mode = spec.callback_id || spec.on_select ? (spec.multiple_select ? 'multiple' : 'single') : null;
    if (this.args.rowSelection === 'single' || this.args.rowSelection === 'multiple') mode = this.args.rowSelection;
    this.selectMode = mode;
    this.multi = mode === 'multiple';
    this.clickSelects = !!mode && !this.args.suppressRowClickSelection;
    this.store = new Store(this.fields.length);
    this.store.append(spec.rows || [], spec.ids || null);
    this.received = (spec.rows || []).length;
    this.total = Math.max(spec.total || 0, this.received);
    this.inflight = 0;        // chunk requests on their way
    this.pending = new Map();  // chunks that arrived before an earlier one: start -> chunk
    this.getters = new Map();
    for (const col of columns) {
      col.numeric = col.numericType || this.detectNumeric(col);
    }
    this.sortModel = columns.filter((c) => c.sort).map((c) => ({ col: c, dir: c.sort === 'asc' ? 1 : -1 }));
    this.filters = new Map();
    this.view = null;
    this.selected = new Set();
    this.anchor = null;
    this.focus = { row: -1, k: 0 };
    this.pageSize = this.args.pagination ? posInt(this.args.paginationPageSize) || 100 : 0;
    this.page = 0;
    this.auto = spec.height === 'auto' || this.args.domLayout === 'autoHeight';
    this.rowEls = new Map();
    this.pool = [];
    this.dataVer = 0;
    this.userSized = false;
    this.raf = 0;
    this.events = {};
    for (const name of ['CellClicked', 'RowClicked', 'RowDoubleClicked', 'CellFocused', 'SelectionChanged',
      'SortChanged', 'FilterChanged', 'GridReady']) this.events[name] = eventHandler(this.args, name);
    if (this.sortModel.length) this.view = this.computeView();
    this.build();
  }

  // ------------------------------------------------------------------ data access
  detectNumeric(col) {
    if (col.valueGetter) {
      const sample = [];
      for (let r = 0; r < Math.min(this.store.size, 200); r++) sample.push(this.valueOf(col, r));
      return looksNumeric(sample);
    }
    return col.fieldIndex >= 0 && looksNumeric(this.store.cols[col.fieldIndex]);
  }

  /** A column's value in physical row r (through its valueGetter, if any). */
  valueOf = (col, r) => {
    if (col.valueGetter) {
      let cache = this.getters.get(col.index);
      if (!cache || cache.ver !== this.store.version) {
        cache = { ver: this.store.version, values: new Map() };
        this.getters.set(col.index, cache);
      }
      if (cache.values.has(r)) return cache.values.get(r);
      const v = call(col.valueGetter, 'valueGetter', this.params(col, r, undefined));
      cache.values.set(r, v);
      return v;
    }
    return col.fieldIndex >= 0 ? this.store.cols[col.fieldIndex][r] : null;
  };

  /** The row as ag-grid code sees it: keyed by PyWebIO's field names (path2field) and, nested, by its own keys. */
  rowData(r) {
    const data = {};
    this.fieldNames.forEach(([field, path], f) => {
      const v = this.store.cols[f][r];
      data[field] = v;
      let at = data;
      for (let i = 0; i < path.length - 1; i++) {
        if (at[path[i]] == null || typeof at[path[i]] !== 'object') at[path[i]] = {};
        at = at[path[i]];
      }
      at[path[path.length - 1]] = v;
    });
    return data;
  }

  /** Values of a nested record in field order. */
  flatten(record) {
    return this.fields.map((path) => valueAt(record, path));
  }

  recordId(record) {
    return this.idPath ? valueAt(record, this.idPath) : undefined;
  }

  params(col, r, value) {
    const pos = this.displayIndexOf(r);
    return {
      value, data: this.rowData(r), node: this.api ? this.api.node(r) : { id: this.store.ids[r] },
      colDef: col.def, column: { colId: col.field, getColId: () => col.field, getColDef: () => col.def },
      rowIndex: pos, api: this.api?.api, columnApi: this.api?.columnApi, context: this.args.context ?? null,
    };
  }

  text(col, r) {
    const value = this.valueOf(col, r);
    if (col.valueFormatter) {
      const params = this.params(col, r, value);
      return toText(call(col.valueFormatter, 'valueFormatter', params));
    }
    return toText(value);
  }

  // ------------------------------------------------------------------ view (filter, sort, pages)
  computeView() {
    const filters = [];
    for (const col of this.columns) {
      const filter = this.filters.get(col.index);
      if (filter) filters.push({ col, filter });
    }
    return this.store.view(filters, this.sortModel, this.valueOf);
  }

  refreshView() {
    this.view = this.computeView();
    const pages = this.pageCount();
    if (this.page >= pages) this.page = Math.max(0, pages - 1);
    this.dataVer++;
    this.updateStatus();
    if (this.isMounted) this.render();
  }

  viewLength() { return this.view ? this.view.length : this.store.size; }
  pageCount() { return this.pageSize ? Math.max(1, Math.ceil(this.viewLength() / this.pageSize)) : 1; }
  pageStart() { return this.pageSize ? this.page * this.pageSize : 0; }
  displayCount() {
    const n = this.viewLength();
    return this.pageSize ? Math.max(0, Math.min(this.pageSize, n - this.pageStart())) : n;
  }
  /** Physical row of display position `pos` (on the current page). */
  physical(pos) {
    const p = this.pageStart() + pos;
    return this.view ? this.view[p] : p;
  }
  /** Display index (in the whole sorted/filtered view) of physical row r, or null. */
  displayIndexOf(r) {
    if (!this.view) return r < this.store.size ? r : null;
    const i = this.view.indexOf(r);
    return i < 0 ? null : i;
  }

  // ------------------------------------------------------------------ DOM
  build() {
    const spec = this.spec;
    const theme = String(spec.theme || 'balham');
    this.root = h('div', { class: `pwl-dt pwl-dt-${theme.replace('-dark', '')}${theme.endsWith('-dark') ? ' pwl-dt-dark' : ''}` });
    this.root.style.setProperty('--dt-row', `${this.rowH}px`);
    this.root.style.setProperty('--dt-head', `${this.headH}px`);
    this.scroller = h('div', {
      class: 'pwl-dt-scroll', role: 'grid', 'aria-label': spec.instance_id ? `Data table ${spec.instance_id}` : 'Data table',
      tabindex: '-1', 'aria-multiselectable': this.multi ? 'true' : null,
    });
    if (this.auto) this.scroller.classList.add('pwl-dt-autoheight');
    else this.scroller.style.height = spec.height || '600px';
    this.head = h('div', { class: 'pwl-dt-head', role: 'rowgroup' });
    this.body = h('div', { class: 'pwl-dt-body', role: 'rowgroup' });
    this.empty = h('div', { class: 'pwl-dt-empty', hidden: true }, 'No rows to show');
    this.scroller.append(this.head, this.body, this.empty);
    this.bar = spec.cell_content_bar ? h('div', { class: 'pwl-dt-cellbar', 'aria-label': 'Cell content', hidden: true }) : null;
    this.status = h('span', { class: 'pwl-dt-status' });
    this.pager = this.pageSize ? this.buildPager() : null;
    this.tools = this.buildTools();
    this.foot = h('div', { class: 'pwl-dt-foot' }, this.status, this.pager, this.tools);
    this.root.append(this.scroller, ...(this.bar ? [this.bar] : []), this.foot);
    this.setupColumns();
    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.scroller.addEventListener('keydown', (ev) => this.onKeyDown(ev));
    this.scroller.addEventListener('click', (ev) => this.onClick(ev));
    this.scroller.addEventListener('dblclick', (ev) => this.onDblClick(ev));
    this.scroller.addEventListener('focusin', (ev) => this.onFocusIn(ev));
    this.head.addEventListener('pointerdown', (ev) => this.onResizeStart(ev));
    this.head.addEventListener('input', (ev) => this.onFilterInput(ev));
    this.updateStatus();
  }

  /** The shown columns (checkbox column first, then pinned, then the rest) and their headers. */
  setupColumns() {
    const shown = this.columns.filter((c) => !c.hide);
    const cols = [...shown.filter((c) => c.pinned), ...shown.filter((c) => !c.pinned)];
    if (this.multi) cols.unshift({ check: true, index: -1, pinned: 'left', w: 40, groups: [], headerName: '' });
    cols.forEach((c, k) => { c.k = k; c.lastPinned = !!c.pinned && !cols[k + 1]?.pinned; });
    this.cols = cols;
    this.scroller.setAttribute('aria-colcount', String(cols.length));
    this.buildHead();
    this.layoutColumns();
    for (const el of this.rowEls.values()) el.remove();
    this.rowEls.clear();
    this.pool = [];
    this.schedule();
  }

  headerRowCount() { return this.depth + 1 + (this.filterRow ? 1 : 0); }

  buildHead() {
    this.head.replaceChildren();
    let rowIndex = 0;
    for (let level = 0; level < this.depth; level++) {
      const row = h('div', { class: 'pwl-dt-hrow pwl-dt-grouprow', role: 'row', 'aria-rowindex': ++rowIndex });
      let k = 0;
      while (k < this.cols.length) {
        const group = this.cols[k].groups[level];
        let end = k + 1;
        while (end < this.cols.length && group && this.cols[end].groups[level]?.id === group.id
          && !!this.cols[end].pinned === !!this.cols[k].pinned) end++;
        const widths = [];
        for (let i = k; i < end; i++) widths.push(`var(--w${i})`);
        const cell = h('div', {
          class: `pwl-dt-hcell pwl-dt-group${group ? '' : ' pwl-dt-blank'}`, role: 'columnheader',
          'aria-colindex': k + 1, 'aria-colspan': end - k > 1 ? end - k : null,
        }, group ? h('span', { class: 'pwl-dt-label' }, group.name) : null);
        cell.style.width = widths.length > 1 ? `calc(${widths.join(' + ')})` : widths[0];
        if (this.cols[k].pinned) this.stick(cell, k);
        row.append(cell);
        k = end;
      }
      this.head.append(row);
    }
    const hrow = h('div', { class: 'pwl-dt-hrow', role: 'row', 'aria-rowindex': ++rowIndex });
    this.headerCells = this.cols.map((col) => {
      const cell = h('div', {
        class: `pwl-dt-hcell${col.numeric ? ' pwl-dt-num' : ''}${col.sortable && !col.check ? ' pwl-dt-sortable' : ''}`,
        role: 'columnheader', 'aria-colindex': col.k + 1, tabindex: '-1', 'data-k': col.k,
        title: col.headerTooltip || null,
      });
      cell.style.width = `var(--w${col.k})`;
      if (col.pinned) this.stick(cell, col.k);
      if (col.check) {
        cell.classList.add('pwl-dt-checkcell');
        this.allBox = h('input', { type: 'checkbox', 'aria-label': 'Select all rows', tabindex: '-1' });
        cell.append(this.allBox);
      } else {
        cell.append(h('span', { class: 'pwl-dt-label' }, col.headerName), h('span', { class: 'pwl-dt-sort', 'aria-hidden': 'true' }));
        if (col.resizable) cell.append(h('div', { class: 'pwl-dt-resize', 'aria-hidden': 'true', 'data-k': col.k }));
      }
      hrow.append(cell);
      return cell;
    });
    this.head.append(hrow);
    this.filterRow = null;
    this.filterInputs = new Map();
    if (this.cols.some((c) => c.filter)) {
      const frow = h('div', { class: 'pwl-dt-hrow pwl-dt-filterrow', role: 'row', 'aria-rowindex': ++rowIndex });
      for (const col of this.cols) {
        const cell = h('div', { class: 'pwl-dt-fcell', role: 'gridcell', 'aria-colindex': col.k + 1 });
        cell.style.width = `var(--w${col.k})`;
        if (col.pinned) this.stick(cell, col.k);
        if (col.filter && !col.check) {
          const numeric = col.filter === 'number' || (col.filter === 'auto' && col.numeric);
          const input = h('input', {
            type: 'search', class: 'pwl-dt-filter', 'aria-label': `Filter ${col.headerName}`, 'data-k': col.k,
            placeholder: numeric ? 'e.g. >10' : 'Filter…', autocomplete: 'off', spellcheck: 'false',
            title: numeric ? 'Numbers: 5, >5, >=5, <5, <=5, !=5, 2..8; or text to find'
              : 'Text to find; =text for exactly, ^text for starts with, !text for without',
          });
          input.pwlNumeric = numeric;
          this.filterInputs.set(col.k, input);
          cell.append(input);
        }
        frow.append(cell);
      }
      this.filterRow = frow;
      this.head.append(frow);
    }
    this.updateSortMarks();
    this.setTabStop(this.headerCells[0]);
  }

  stick(cell, k) {
    cell.classList.add('pwl-dt-pinned');
    if (this.cols[k].lastPinned) cell.classList.add('pwl-dt-pinned-last');
    cell.style.left = `var(--l${k})`;
  }

  /** Measure columns that have no width, fit them to the grid, and set the CSS variables. */
  autoSize() {
    const width = this.scroller.clientWidth;
    if (!width) return false;
    const probe = this.body.querySelector('.pwl-dt-cell') || this.root;
    const ctx = document.createElement('canvas').getContext('2d');
    const style = getComputedStyle(probe);
    const bodyFont = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const headStyle = getComputedStyle(this.headerCells.find((c) => !c.querySelector('input')) || this.root);
    const headFont = `600 ${headStyle.fontSize} ${headStyle.fontFamily}`;
    const sample = Math.min(this.store.size, 150);
    let fixed = 0;
    let flexSum = 0;
    const autos = [];
    for (const col of this.cols) {
      if (col.check) { fixed += col.w; continue; }
      if (col.width != null) { col.w = Math.min(col.maxWidth, Math.max(col.minWidth, col.width)); fixed += col.w; continue; }
      if (col.flex) { flexSum += col.flex; continue; }
      ctx.font = headFont;
      let w = ctx.measureText(col.headerName).width + 44;
      ctx.font = bodyFont;
      for (let pos = 0; pos < sample; pos++) {
        const r = this.physical(pos);
        if (r === undefined) break;
        w = Math.max(w, ctx.measureText(this.text(col, r)).width + 26);
      }
      col.w = Math.ceil(Math.min(col.maxWidth, MAX_AUTO_WIDTH, Math.max(col.minWidth, w)));
      fixed += col.w;
      autos.push(col);
    }
    let spare = width - fixed;
    if (flexSum) {
      for (const col of this.cols) {
        if (col.flex && col.width == null) {
          col.w = Math.round(Math.min(col.maxWidth, Math.max(col.minWidth, (Math.max(0, spare) * col.flex) / flexSum)));
        }
      }
    } else if (spare > 0 && autos.length) {
      const sum = autos.reduce((s, c) => s + c.w, 0);
      for (const col of autos) {
        const grow = Math.floor((spare * col.w) / sum);
        col.w = Math.min(col.maxWidth, col.w + grow);
      }
    }
    this.layoutColumns();
    return true;
  }

  layoutColumns() {
    let left = 0;
    this.pinnedWidth = 0;
    for (const col of this.cols) {
      col.w ||= col.check ? 40 : col.width ?? 150;
      col.left = left;
      this.root.style.setProperty(`--w${col.k}`, `${col.w}px`);
      if (col.pinned) {
        this.root.style.setProperty(`--l${col.k}`, `${left}px`);
        this.pinnedWidth = left + col.w;
      }
      left += col.w;
    }
    this.totalWidth = left;
    this.root.style.setProperty('--dt-total', `${left}px`);
    this.winKey = null;
    this.schedule();
  }

  setWidth(col, w) {
    col.w = Math.round(Math.min(col.maxWidth, Math.max(col.minWidth, w)));
    col.width = col.w;
    this.userSized = true;
    this.layoutColumns();
  }

  buildPager() {
    this.prevBtn = h('button', { type: 'button', class: 'pwl-dt-btn', 'aria-label': 'Previous page' }, '‹');
    this.nextBtn = h('button', { type: 'button', class: 'pwl-dt-btn', 'aria-label': 'Next page' }, '›');
    this.pageText = h('span', { class: 'pwl-dt-pagetext' });
    this.prevBtn.addEventListener('click', () => this.goToPage(this.page - 1));
    this.nextBtn.addEventListener('click', () => this.goToPage(this.page + 1));
    return h('div', { class: 'pwl-dt-pager', role: 'group', 'aria-label': 'Pages' }, this.prevBtn, this.pageText, this.nextBtn);
  }

  goToPage(page) {
    const p = Math.max(0, Math.min(this.pageCount() - 1, page));
    if (p === this.page) return;
    this.page = p;
    this.scroller.scrollTop = 0;
    this.dataVer++;
    this.updateStatus();
    this.schedule();
  }

  buildTools() {
    const actions = this.spec.actions || [];
    if (!actions.length) return null;
    this.countText = h('span', { class: 'pwl-dt-count' });
    const unselect = h('button', { type: 'button', class: 'pwl-dt-btn' }, 'Unselect');
    unselect.addEventListener('click', () => this.setSelection([]));
    const tools = h('div', { class: 'pwl-dt-tools', role: 'toolbar', 'aria-label': 'Actions on the selected rows', hidden: true },
      this.countText, unselect);
    actions.forEach((label, i) => {
      if (label == null) { tools.append(h('span', { class: 'pwl-dt-sep', role: 'separator', 'aria-orientation': 'vertical' })); return; }
      const btn = h('button', { type: 'button', class: 'pwl-dt-btn pwl-dt-action' }, label);
      btn.addEventListener('click', () => {
        sendEvent('callback', this.spec.callback_id, { btn: i, rows: this.selectedIds() });
      });
      tools.append(btn);
    });
    return tools;
  }

  updateStatus() {
    const shown = this.viewLength();
    const all = this.store.size;
    let text = shown === all ? plural(all, 'row') : `${fmt.format(shown)} of ${plural(all, 'row')}`;
    if (this.received < this.total) text += ` · loading ${fmt.format(this.received)} of ${fmt.format(this.total)}…`;
    this.status.textContent = text;
    this.scroller.setAttribute('aria-rowcount', String(this.headerRowCount() + shown));
    this.scroller.setAttribute('aria-busy', this.received < this.total ? 'true' : 'false');
    if (this.pager) {
      this.pageText.textContent = `Page ${this.page + 1} of ${this.pageCount()}`;
      this.prevBtn.disabled = this.page === 0;
      this.nextBtn.disabled = this.page >= this.pageCount() - 1;
    }
  }

  // ------------------------------------------------------------------ mounting and rendering
  mounted() {
    this.isMounted = true;
    this.autoSize();
    this.lastWidth = this.scroller.clientWidth;
    this.resizeObserver = new ResizeObserver(() => {
      if (!this.root.isConnected) return;
      const width = this.scroller.clientWidth;
      if (width !== this.lastWidth && !this.userSized) { this.lastWidth = width; this.autoSize(); }
      this.schedule();
    });
    this.resizeObserver.observe(this.scroller);
    this.render();
    this.requestMore();
  }

  schedule() {
    if (this.raf || !this.isMounted) return;
    this.raf = requestAnimationFrame(() => { this.raf = 0; this.render(); });
  }

  /** The vertical geometry: which rows are in view and where to draw them. */
  geometry(n) {
    const totalH = n * this.rowH;
    if (this.auto) return { bodyH: totalH, first: 0, last: n - 1, top: (pos) => pos * this.rowH };
    const viewH = Math.max(this.rowH, this.scroller.clientHeight - this.head.offsetHeight);
    const bodyH = Math.min(totalH, MAX_BODY_PX);
    const s = Math.min(this.scroller.scrollTop, Math.max(0, bodyH - viewH));
    const ratio = bodyH > viewH && totalH > bodyH ? (totalH - viewH) / (bodyH - viewH) : 1;
    const v = s * ratio;
    const first = Math.max(0, Math.floor(v / this.rowH) - OVERSCAN);
    const last = Math.min(n - 1, Math.floor((v + viewH) / this.rowH) + OVERSCAN);
    return { bodyH, first, last, viewH, ratio, top: (pos) => s + pos * this.rowH - v };
  }

  /** The columns drawn in body rows: pinned ones, then the unpinned ones in view. */
  columnWindow() {
    const sl = this.scroller.scrollLeft;
    const right = sl + (this.scroller.clientWidth || 1200) + COL_OVERSCAN_PX;
    const left = sl + this.pinnedWidth - COL_OVERSCAN_PX;
    const cols = [];
    let spacer = 0;
    let seen = false;
    for (const col of this.cols) {
      if (col.pinned) { cols.push(col); continue; }
      if (col.left + col.w < left) continue;
      if (col.left > right) break;
      if (!seen) { spacer = col.left - this.pinnedWidth; seen = true; }
      cols.push(col);
    }
    return { cols, spacer, key: `${cols.length && cols[cols.length - 1].k}:${spacer}` };
  }

  render() {
    if (!this.root.isConnected) return;
    const n = this.displayCount();
    const geo = this.geometry(n);   // every layout read happens before the first write
    const win = this.columnWindow();
    this.body.style.height = `${geo.bodyH}px`;
    this.empty.hidden = n > 0 || this.received < this.total;
    if (win.key !== this.winKey) {
      this.winKey = win.key;
      this.win = win;
      for (const el of this.rowEls.values()) el.winKey = null;
    }
    // Rows that left the view are reused for the rows that came into it; they stay in the
    // document (moving elements in and out costs more than moving them), spare ones hidden.
    const free = [];
    for (const [pos, el] of this.rowEls) {
      if (pos < geo.first || pos > geo.last) { this.rowEls.delete(pos); free.push(el); }
    }
    const frag = document.createDocumentFragment();
    const headRows = this.headerRowCount();
    const start = this.pageStart();
    for (let pos = geo.first; pos <= geo.last; pos++) {
      let el = this.rowEls.get(pos);
      if (!el) {
        el = free.pop() || this.pool.pop();
        if (!el) frag.append(el = this.makeRow());
        else if (el.hidden) el.hidden = false;
        this.rowEls.set(pos, el);
      }
      const r = this.physical(pos);
      if (el.winKey !== this.winKey) this.buildCells(el);
      if (el.pos !== pos || el.r !== r || el.ver !== this.dataVer) {
        el.pos = pos;
        el.r = r;
        el.ver = this.dataVer;
        el.setAttribute('aria-rowindex', String(headRows + start + pos + 1));
        this.fillRow(el, r, pos);
      }
      el.style.transform = `translateY(${geo.top(pos)}px)`;
    }
    for (const el of free) { el.hidden = true; el.pos = -1; this.pool.push(el); }
    if (frag.firstChild) this.body.append(frag);
    this.placeFocus();
  }

  makeRow() {
    const el = h('div', { class: 'pwl-dt-row', role: 'row' });
    el.pos = -1;
    el.cells = [];
    el.addEventListener('change', (ev) => {
      if (ev.target.type === 'checkbox') this.toggleRow(el.r, ev.target.checked);
    });
    return el;
  }

  buildCells(el) {
    const win = this.win;
    el.cells = [];
    el.byK = new Map();
    const parts = [];
    let spacerDone = false;
    for (const col of win.cols) {
      if (!col.pinned && !spacerDone) {
        spacerDone = true;
        if (win.spacer > 0) parts.push(h('div', { class: 'pwl-dt-spacer', style: `width:${win.spacer}px`, 'aria-hidden': 'true' }));
      }
      const cell = h('div', { class: `pwl-dt-cell${col.numeric ? ' pwl-dt-num' : ''}`, role: 'gridcell', 'aria-colindex': col.k + 1, tabindex: '-1', 'data-k': col.k });
      cell.baseStyle = `width:var(--w${col.k})${col.pinned ? `;left:var(--l${col.k})` : ''}`;
      cell.style.cssText = cell.baseStyle;
      if (col.pinned) cell.classList.add('pwl-dt-pinned');
      if (col.lastPinned) cell.classList.add('pwl-dt-pinned-last');
      if (col.check) {
        cell.classList.add('pwl-dt-checkcell');
        cell.append(h('input', { type: 'checkbox', 'aria-label': 'Select row', tabindex: '-1' }));
      }
      cell.col = col;
      el.cells.push(cell);
      el.byK.set(col.k, cell);
      parts.push(cell);
    }
    el.replaceChildren(...parts);
    el.winKey = this.winKey;
    el.ver = -1;
  }

  fillRow(el, r, pos) {
    const id = this.store.ids[r];
    const selected = this.selected.has(id);
    if (this.selectMode) el.setAttribute('aria-selected', selected ? 'true' : 'false');
    el.classList.toggle('pwl-dt-selected', selected);
    el.classList.toggle('pwl-dt-odd', (this.pageStart() + pos) % 2 === 1);
    if (typeof this.args.getRowStyle === 'function') {
      el.style.cssText = styleText(call(this.args.getRowStyle, 'getRowStyle', this.params(this.cols[0], r, undefined)));
    }
    for (const cell of el.cells) this.fillCell(cell, cell.col, r, selected);
  }

  fillCell(cell, col, r, selected) {
    if (col.check) { cell.firstChild.checked = selected; return; }
    const value = this.valueOf(col, r);
    let params = null;
    if (col.cellRenderer) {
      params = this.params(col, r, value);
      if (col.valueFormatter) params.valueFormatted = toText(call(col.valueFormatter, 'valueFormatter', params));
      const out = call(col.cellRenderer, 'cellRenderer', params);
      if (out instanceof Node) cell.replaceChildren(out);
      else cell.innerHTML = out == null ? '' : String(out);  // HTML the app's own cellRenderer wrote
    } else if (col.valueFormatter) {
      params = this.params(col, r, value);
      setText(cell, toText(call(col.valueFormatter, 'valueFormatter', params)));
    } else {
      setText(cell, toText(value));
    }
    if (col.cellStyle) {
      const style = typeof col.cellStyle === 'function'
        ? call(col.cellStyle, 'cellStyle', params || this.params(col, r, value)) : col.cellStyle;
      cell.style.cssText = cell.baseStyle + styleText(style);
    }
    if (col.cellClass) {
      const cls = typeof col.cellClass === 'function' ? call(col.cellClass, 'cellClass', params || this.params(col, r, value)) : col.cellClass;
      cell.className = `pwl-dt-cell${col.numeric ? ' pwl-dt-num' : ''}${col.pinned ? ' pwl-dt-pinned' : ''}${col.lastPinned ? ' pwl-dt-pinned-last' : ''} ${[].concat(cls || []).join(' ')}`;
    }
  }

  // ------------------------------------------------------------------ focus and keyboard
  setTabStop(el) {
    if (this.tabStop === el) return;
    if (this.tabStop) this.tabStop.tabIndex = -1;
    this.tabStop = el || null;
    if (el) el.tabIndex = 0;
  }

  focusedElement() {
    const { row, k } = this.focus;
    if (row < 0) return this.headerCells[k];
    return this.rowEls.get(row)?.byK?.get(k) || null;
  }

  /** After a render: the focused cell is the tab stop, and keeps the keyboard focus. */
  placeFocus() {
    const el = this.focusedElement();
    const had = this.scroller.contains(document.activeElement) && !document.activeElement.matches('.pwl-dt-filter');
    if (el) {
      this.setTabStop(el);
      if (had && document.activeElement !== el && !document.activeElement.matches('input[type=checkbox]')) el.focus({ preventScroll: true });
    } else if (had && document.activeElement !== this.scroller) {
      this.scroller.focus({ preventScroll: true });
    }
  }

  moveFocus(row, k) {
    const n = this.displayCount();
    row = Math.max(-1, Math.min(n - 1, row));
    k = Math.max(0, Math.min(this.cols.length - 1, k));
    this.focus = { row, k };
    if (row >= 0) this.scrollRowIntoView(row);
    this.scrollColIntoView(k);
    this.render();
    const el = this.focusedElement();
    if (el) { this.setTabStop(el); el.focus({ preventScroll: true }); }
    this.cellFocused();
  }

  scrollRowIntoView(pos) {
    if (this.auto) {
      this.rowEls.get(pos)?.scrollIntoView({ block: 'nearest' });
      return;
    }
    const geo = this.geometry(this.displayCount());
    const v = this.scroller.scrollTop * geo.ratio;
    const top = pos * this.rowH;
    let target = null;
    if (top < v) target = top;
    else if (top + this.rowH > v + geo.viewH) target = top + this.rowH - geo.viewH;
    if (target !== null) this.scroller.scrollTop = target / geo.ratio;
  }

  scrollColIntoView(k) {
    const col = this.cols[k];
    if (!col || col.pinned) return;
    const sl = this.scroller.scrollLeft;
    const cw = this.scroller.clientWidth;
    if (col.left < sl + this.pinnedWidth) this.scroller.scrollLeft = col.left - this.pinnedWidth;
    else if (col.left + col.w > sl + cw) this.scroller.scrollLeft = col.left + col.w - cw;
  }

  cellFocused() {
    const { row, k } = this.focus;
    const col = this.cols[k];
    if (row < 0 || !col || col.check) return;
    const r = this.physical(row);
    if (this.bar) {
      this.bar.hidden = false;
      this.bar.textContent = this.text(col, r);
    }
    if (this.events.CellFocused) {
      call(this.events.CellFocused, 'onCellFocused', { rowIndex: this.pageStart() + row, column: this.params(col, r).column, api: this.api?.api });
    }
  }

  onFocusIn(ev) {
    const cell = ev.target.closest?.('.pwl-dt-cell, .pwl-dt-hcell[data-k]');
    if (!cell || cell.dataset.k === undefined) return;
    const k = Number(cell.dataset.k);
    const row = cell.classList.contains('pwl-dt-cell') ? cell.parentElement.pos : -1;
    if (row === this.focus.row && k === this.focus.k) return;
    this.focus = { row, k };
    this.setTabStop(cell);
    this.cellFocused();
  }

  visibleRows() {
    return Math.max(1, Math.floor((this.scroller.clientHeight - this.head.offsetHeight) / this.rowH) - 1);
  }

  onKeyDown(ev) {
    const t = ev.target;
    if (t.matches('input:not([type=checkbox]), textarea, select, button, a')) {
      if (t.matches('.pwl-dt-filter') && ev.key === 'ArrowDown' && this.displayCount()) {
        ev.preventDefault();
        this.moveFocus(0, Number(t.dataset.k));
      }
      return;
    }
    const { row, k } = this.focus;
    const ctrl = ev.ctrlKey || ev.metaKey;
    const n = this.displayCount();
    let to = null;
    switch (ev.key) {
      case 'ArrowDown': to = [row + 1, k]; break;
      case 'ArrowUp': to = [row - 1, k]; break;
      case 'ArrowRight':
        if (ev.altKey && row < 0) { this.resizeBy(k, 16); ev.preventDefault(); return; }
        to = [row, k + 1]; break;
      case 'ArrowLeft':
        if (ev.altKey && row < 0) { this.resizeBy(k, -16); ev.preventDefault(); return; }
        to = [row, k - 1]; break;
      case 'Home': to = ctrl ? [0, 0] : [row, 0]; break;
      case 'End': to = ctrl ? [n - 1, this.cols.length - 1] : [row, this.cols.length - 1]; break;
      case 'PageDown': to = [Math.min(n - 1, Math.max(0, row) + this.visibleRows()), k]; break;
      case 'PageUp': to = [Math.max(0, row - this.visibleRows()), k]; break;
      case 'Enter':
        ev.preventDefault();
        if (row < 0) this.headerActivate(k, ev.shiftKey);
        else this.cellActivate(row, k, ev);
        return;
      case ' ':
        ev.preventDefault();
        if (row < 0) { if (this.cols[k]?.check) this.selectAll(!this.allSelected()); return; }
        if (this.selectMode) {
          const r = this.physical(row);
          if (this.multi) this.toggleRow(r, !this.selected.has(this.store.ids[r]));
          else this.setSelection([this.store.ids[r]]);
          this.anchor = this.store.ids[r];
        }
        return;
      case 'a': case 'A':
        if (ctrl && this.multi) { ev.preventDefault(); this.selectAll(true); }
        return;
      default: return;
    }
    ev.preventDefault();
    if (row < 0 && to[0] < 0 && ev.key === 'ArrowUp') return;
    this.moveFocus(to[0], to[1]);
    if (ev.shiftKey && this.multi && to[0] >= 0 && (ev.key === 'ArrowDown' || ev.key === 'ArrowUp')) {
      this.selectRange(to[0]);
    }
  }

  resizeBy(k, dx) {
    const col = this.cols[k];
    if (col && col.resizable) this.setWidth(col, col.w + dx);
  }

  // ------------------------------------------------------------------ clicks
  onClick(ev) {
    const t = ev.target;
    if (t.closest('.pwl-dt-resize') || this.justResized) { this.justResized = false; return; }
    if (t === this.allBox) { this.selectAll(t.checked); return; }
    const hcell = t.closest('.pwl-dt-hcell[data-k]');
    if (hcell) {
      const k = Number(hcell.dataset.k);
      this.focus = { row: -1, k };
      this.setTabStop(hcell);
      this.headerActivate(k, ev.shiftKey);
      return;
    }
    const cell = t.closest('.pwl-dt-cell');
    if (!cell) return;
    const row = cell.parentElement.pos;
    const k = Number(cell.dataset.k);
    this.focus = { row, k };
    this.setTabStop(cell);
    if (document.activeElement !== cell && t.type !== 'checkbox') cell.focus({ preventScroll: true });
    if (t.type === 'checkbox') return;  // its change event toggles the row
    this.cellActivate(row, k, ev);
  }

  onDblClick(ev) {
    const cell = ev.target.closest('.pwl-dt-cell');
    if (!cell || !this.events.RowDoubleClicked) return;
    const r = cell.parentElement.r;
    call(this.events.RowDoubleClicked, 'onRowDoubleClicked', this.rowEvent(r, cell.parentElement.pos, ev));
  }

  rowEvent(r, pos, ev) {
    return { data: this.rowData(r), node: this.api?.node(r), rowIndex: this.pageStart() + pos, event: ev, api: this.api?.api, type: 'rowClicked' };
  }

  headerActivate(k, multi) {
    const col = this.cols[k];
    if (!col) return;
    if (col.check) { this.selectAll(!this.allSelected()); return; }
    if (col.sortable) this.toggleSort(col, multi);
  }

  cellActivate(pos, k, ev) {
    const col = this.cols[k];
    const r = this.physical(pos);
    if (r === undefined || !col) return;
    if (this.clickSelects && !col.check) {
      const id = this.store.ids[r];
      if (this.multi && ev.shiftKey && this.anchor !== null) this.selectRange(pos);
      else if (this.multi) { this.toggleRow(r, !this.selected.has(id)); this.anchor = id; }
      else if (ev.ctrlKey || ev.metaKey) { this.setSelection(this.selected.has(id) ? [] : [id]); this.anchor = id; }
      else { this.setSelection([id]); this.anchor = id; }
    } else if (col.check) {
      this.toggleRow(r, !this.selected.has(this.store.ids[r]));
    }
    this.cellFocused();
    if (!col.check && this.events.CellClicked) {
      const params = this.params(col, r, this.valueOf(col, r));
      call(this.events.CellClicked, 'onCellClicked', { ...params, event: ev, type: 'cellClicked' });
    }
    if (this.events.RowClicked) call(this.events.RowClicked, 'onRowClicked', this.rowEvent(r, pos, ev));
  }

  // ------------------------------------------------------------------ sort and filter
  toggleSort(col, multi) {
    const at = this.sortModel.findIndex((s) => s.col === col);
    const current = at >= 0 ? this.sortModel[at].dir : 0;
    const next = current === 0 ? 1 : current === 1 ? -1 : 0;
    if (!multi) this.sortModel = next ? [{ col, dir: next }] : [];
    else if (at >= 0) {
      if (next) this.sortModel[at] = { col, dir: next };
      else this.sortModel.splice(at, 1);
    } else this.sortModel.push({ col, dir: next });
    this.setSortModel(this.sortModel);
  }

  setSortModel(model) {
    this.sortModel = model;
    this.updateSortMarks();
    this.refreshView();
    if (this.events.SortChanged) call(this.events.SortChanged, 'onSortChanged', { type: 'sortChanged', source: 'uiColumnSorted', api: this.api?.api });
  }

  updateSortMarks() {
    for (const cell of this.headerCells || []) {
      const col = this.cols[Number(cell.dataset.k)];
      if (!col || col.check) continue;
      const at = this.sortModel.findIndex((s) => s.col === col);
      const mark = cell.querySelector('.pwl-dt-sort');
      if (at < 0) {
        cell.removeAttribute('aria-sort');
        mark.textContent = '';
      } else {
        const dir = this.sortModel[at].dir;
        cell.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
        mark.textContent = (dir > 0 ? '▲' : '▼') + (this.sortModel.length > 1 ? String(at + 1) : '');
      }
    }
  }

  onFilterInput(ev) {
    const input = ev.target;
    if (!input.matches('.pwl-dt-filter')) return;
    const col = this.cols[Number(input.dataset.k)];
    const filter = parseFilter(input.value, input.pwlNumeric);
    if (filter) this.filters.set(col.index, filter);
    else this.filters.delete(col.index);
    if (this.filterRaf) return;
    this.filterRaf = requestAnimationFrame(() => {
      this.filterRaf = 0;
      this.page = 0;
      this.refreshView();
      if (this.events.FilterChanged) call(this.events.FilterChanged, 'onFilterChanged', { type: 'filterChanged', api: this.api?.api });
    });
  }

  // ------------------------------------------------------------------ resize by dragging
  onResizeStart(ev) {
    const handle = ev.target.closest('.pwl-dt-resize');
    if (!handle || ev.button !== 0) return;
    ev.preventDefault();
    const col = this.cols[Number(handle.dataset.k)];
    const startX = ev.clientX;
    const startW = col.w;
    handle.setPointerCapture(ev.pointerId);
    this.root.classList.add('pwl-dt-resizing');
    const move = (e) => this.setWidth(col, startW + e.clientX - startX);
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
      handle.removeEventListener('pointercancel', up);
      this.root.classList.remove('pwl-dt-resizing');
      this.justResized = true;
      setTimeout(() => { this.justResized = false; });  // the click that ends a drag does not sort
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
    handle.addEventListener('pointercancel', up);
  }

  // ------------------------------------------------------------------ selection
  selectedIds() {
    const ids = [...this.selected];
    if (ids.length > 1) ids.sort((a, b) => this.store.indexOf(a) - this.store.indexOf(b));
    return ids;
  }

  setSelection(ids) {
    this.selected = new Set(ids);
    this.selectionChanged();
  }

  toggleRow(r, on) {
    const id = this.store.ids[r];
    if (id === undefined) return;
    if (!this.multi) { this.setSelection(on ? [id] : []); return; }
    if (on) this.selected.add(id); else this.selected.delete(id);
    this.anchor = id;
    this.selectionChanged();
  }

  selectRange(toPos) {
    const from = this.anchor === null ? -1 : this.store.indexOf(this.anchor);
    let a = from < 0 ? toPos : this.displayIndexOf(from) - this.pageStart();
    if (!Number.isFinite(a) || a < 0) a = toPos;
    const [lo, hi] = a < toPos ? [a, toPos] : [toPos, a];
    const ids = [];
    for (let pos = lo; pos <= hi; pos++) ids.push(this.store.ids[this.physical(pos)]);
    this.selected = new Set(ids);
    this.selectionChanged();
  }

  allSelected() {
    const n = this.displayCount();
    return n > 0 && this.selected.size >= n;
  }

  selectAll(on) {
    if (!on) { this.setSelection([]); return; }
    const ids = [];
    const n = this.multi ? this.displayCount() : Math.min(1, this.displayCount());
    for (let pos = 0; pos < n; pos++) ids.push(this.store.ids[this.physical(pos)]);
    this.setSelection(ids);
  }

  selectionChanged() {
    const ids = this.selectedIds();
    for (const el of this.rowEls.values()) {
      const on = this.selected.has(this.store.ids[el.r]);
      if (this.selectMode) el.setAttribute('aria-selected', on ? 'true' : 'false');
      el.classList.toggle('pwl-dt-selected', on);
      const box = el.querySelector('input[type=checkbox]');
      if (box) box.checked = on;
    }
    if (this.allBox) {
      const all = this.allSelected();
      this.allBox.checked = all;
      this.allBox.indeterminate = !all && ids.length > 0;
    }
    if (this.tools) {
      this.tools.hidden = ids.length === 0;
      this.countText.textContent = `${plural(ids.length, 'row')} selected`;
    }
    if (this.spec.on_select && this.spec.callback_id && ids.length) sendEvent('callback', this.spec.callback_id, { rows: ids });
    if (this.events.SelectionChanged) call(this.events.SelectionChanged, 'onSelectionChanged', { type: 'selectionChanged', api: this.api?.api });
  }

  // ------------------------------------------------------------------ rows from the server, changes
  /** Ask for the next chunks; two are on their way at a time, so the server never waits for the page. */
  requestMore() {
    if (!this.spec.more) return;
    const size = this.spec.chunk || 20000;
    this.requested ??= this.received;
    while (this.inflight < 2 && this.requested < this.total) {
      sendEvent('callback', this.spec.more, { from: this.requested });
      this.requested += size;
      this.inflight++;
    }
  }

  /** A `datatable_rows` chunk: the next rows of the table's first records (applied in order). */
  addChunk(chunk) {
    if (!Array.isArray(chunk.rows) || !(chunk.start >= this.received)) return;
    this.pending.set(chunk.start, chunk);
    this.inflight = Math.max(0, this.inflight - 1);
    this.requestMore();
    let added = false;
    for (let next = this.pending.get(this.received); next; next = this.pending.get(this.received)) {
      this.pending.delete(this.received);
      this.received += next.rows.length;
      this.store.append(next.rows, next.ids || null);
      added = true;
      if (!next.rows.length) break;
    }
    if (added) this.afterChange(false);
  }

  /** Data changed: recompute the view (or just redraw when nothing is sorted or filtered). */
  afterChange(structural = true) {
    if (structural) {
      const alive = new Set(this.store.ids);
      for (const id of [...this.selected]) if (!alive.has(id)) this.selected.delete(id);
    }
    if (this.view || this.filters.size || this.sortModel.length) this.refreshView();
    else { this.dataVer++; this.updateStatus(); this.schedule(); }
  }

  setRecords(records) {
    const rows = records.map((rec) => this.flatten(rec));
    const ids = this.idPath ? records.map((rec) => this.recordId(rec)) : null;
    this.store.reset(rows, ids);
    this.received = this.total;  // rows still on their way belong to the old data
    this.selected.clear();
    this.selectionChanged();
    this.afterChange();
  }

  updateRecord(id, record) {
    const r = this.store.indexOf(id);
    if (r < 0) return console.warn(`pywebio_lite datatable: no row with id ${JSON.stringify(id)}`);
    this.store.setRow(r, this.flatten(record));
    if (this.idPath) {
      const newId = this.recordId(record);
      if (newId !== null && newId !== id) { this.store.ids[r] = newId; this.store.changed(); }
    }
    this.afterChange();
  }

  updateValue(id, path, value) {
    const r = this.store.indexOf(id);
    if (r < 0) return console.warn(`pywebio_lite datatable: no row with id ${JSON.stringify(id)}`);
    const f = this.fieldIndex.get(JSON.stringify(path));
    if (f === undefined) return console.warn(`pywebio_lite datatable: no column ${JSON.stringify(path)}`);
    this.store.setValue(r, f, value);
    this.afterChange(false);
  }

  insertRecords(records, beforeId) {
    let at = this.store.size;
    if (beforeId != null) {
      at = this.store.indexOf(beforeId);
      if (at < 0) return console.warn(`pywebio_lite datatable: no row with id ${JSON.stringify(beforeId)} to insert before`);
    }
    const rows = records.map((rec) => this.flatten(rec));
    const ids = this.idPath ? records.map((rec) => this.recordId(rec)) : null;
    this.store.insert(at, rows, ids);
    this.afterChange(false);
  }

  removeRows(ids) {
    const indices = [];
    for (const id of ids) {
      const r = this.store.indexOf(id);
      if (r < 0) console.warn(`pywebio_lite datatable: no row with id ${JSON.stringify(id)} to remove`);
      else indices.push(r);
    }
    if (!indices.length) return;
    this.store.remove(indices);
    const before = this.selected.size;
    this.afterChange(true);
    if (this.selected.size !== before) this.selectionChanged();
  }
}
