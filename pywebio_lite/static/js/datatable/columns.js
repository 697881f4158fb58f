/**
 * From a datatable spec to columns and options: the ag-grid option subset we understand.
 *
 * Column options (column_args, defaultColDef): headerName, width, minWidth, maxWidth, flex, hide,
 * sortable, sort ('asc'|'desc'), filter (true/false, 'agTextColumnFilter', 'agNumberColumnFilter'),
 * resizable, pinned ('left'; 'right' is shown on the left), cellStyle (object or function),
 * cellClass, valueFormatter, valueGetter, cellRenderer (function; its string result is HTML the
 * app wrote), comparator, headerTooltip, type ('numericColumn'). Grid options (grid_args):
 * rowHeight, headerHeight, defaultColDef, rowSelection, pagination, paginationPageSize,
 * suppressRowClickSelection, rowMultiSelectWithClick, domLayout ('autoHeight'), getRowStyle,
 * and the events onCellClicked, onRowClicked, onRowDoubleClicked, onCellFocused,
 * onSelectionChanged, onSortChanged, onFilterChanged, onGridReady (also without the "on", as in
 * PyWebIO's docstring: sortChanged=JSFunction(...)). Anything else: one console warning per name.
 */

const JS_MARKER = '__pwl_js__';

/** Options that change nothing here (layout hints of ag-grid), accepted without a warning. */
const QUIET = new Set(['animateRows', 'enableCellTextSelection', 'ensureDomOrder', 'wrapHeaderText',
  'autoHeaderHeight', 'enableValue', 'enableRowGroup', 'enablePivot', 'defaultAggFunc', 'suppressMovable',
  'lockPinned', 'lockPosition', 'suppressMenu', 'menuTabs', 'filterParams', 'floatingFilter',
  'suppressColumnVirtualisation', 'suppressRowVirtualisation', 'rowBuffer', 'field', 'colId',
  'initialWidth', 'initialHide', 'initialPinned', 'initialSort', 'unSortIcon', 'suppressSizeToFit',
  'checkboxSelection', 'headerCheckboxSelection', 'rowMultiSelectWithClick', 'groupSelectsChildren',
  'groupSelectsFiltered', 'autoGroupColumnDef', 'tooltipField', 'suppressCellFocus', 'singleClickEdit']);

const COLUMN_KEYS = new Set(['headerName', 'width', 'minWidth', 'maxWidth', 'flex', 'hide', 'sortable', 'sort',
  'filter', 'resizable', 'pinned', 'cellStyle', 'cellClass', 'valueFormatter', 'valueGetter', 'cellRenderer',
  'comparator', 'headerTooltip', 'type']);

const EVENTS = ['CellClicked', 'RowClicked', 'RowDoubleClicked', 'CellFocused', 'SelectionChanged',
  'SortChanged', 'FilterChanged', 'GridReady'];
const GRID_KEYS = new Set(['rowHeight', 'headerHeight', 'defaultColDef', 'rowSelection', 'pagination',
  'paginationPageSize', 'suppressRowClickSelection', 'domLayout', 'getRowStyle', 'rowData', 'columnDefs',
  ...EVENTS.map((e) => `on${e}`), ...EVENTS.map((e) => e[0].toLowerCase() + e.slice(1))]);

const warned = new Set();
function warnOnce(what, name) {
  if (warned.has(name)) return;
  warned.add(name);
  console.warn(`pywebio_lite datatable: the ${what} option "${name}" is not supported and is ignored`);
}

/** Turn {"__pwl_js__": [params, body]} markers into functions (anywhere in `value`). */
export function revive(value) {
  if (Array.isArray(value)) return value.map(revive);
  if (!value || typeof value !== 'object') return value;
  if (JS_MARKER in value) {
    const [params, body] = value[JS_MARKER];
    try {
      return new Function(...params, body);  // the app's own code, like run_js
    } catch (err) {
      console.error('pywebio_lite datatable: a JSFunction does not compile', err);
      return null;
    }
  }
  const out = {};
  for (const key in value) out[key] = revive(value[key]);
  return out;
}

/** ag-grid's field name for a key path, as PyWebIO builds it ("name" -> "name_4_1"). */
export function path2field(path) {
  return [path.join(''), path.map((p) => p.length).join('_'), path.length].join('_');
}

/** The key path back from such a field name. */
export function field2path(field) {
  const parts = String(field).split('_');
  const n = parseInt(parts[parts.length - 1], 10);
  const lengths = parts.slice(parts.length - 1 - n, parts.length - 1).map(Number);
  const path = [];
  let at = 0;
  for (const len of lengths) { path.push(field.slice(at, at + len)); at += len; }
  return path;
}

/** "first_name" -> "First name", as PyWebIO titles columns. */
export function title(key) {
  const s = String(key).replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function filterKind(filter) {
  if (filter === false || filter == null) return null;
  if (filter === 'agNumberColumnFilter') return 'number';
  if (filter === 'agTextColumnFilter') return 'text';
  if (filter !== true) warnOnce('column', `filter: ${filter}`);
  return 'auto';
}

/** One column object from its merged options. */
function makeColumn(def, path, index, fieldIndex) {
  for (const key in def) if (!COLUMN_KEYS.has(key) && !QUIET.has(key)) warnOnce('column', key);
  const num = (v, fallback) => (Number.isFinite(Number(v)) && v !== null && v !== '' ? Number(v) : fallback);
  const cellRenderer = def.cellRenderer;
  if (cellRenderer != null && typeof cellRenderer !== 'function') warnOnce('column', `cellRenderer: ${cellRenderer}`);
  let pinned = def.pinned === true ? 'left' : def.pinned || null;
  if (pinned === 'right') { warnOnce('column', 'pinned: right'); pinned = 'left'; }
  const headerName = def.headerName != null ? String(def.headerName) : title(path[path.length - 1]);
  return {
    index,                // place in the column list (all leaves, in order)
    fieldIndex,           // which data column holds its values
    path,
    field: path2field(path),
    def: { ...def, field: path2field(path), headerName },  // the colDef app functions see
    headerName,
    width: num(def.width, null),
    minWidth: Math.max(20, num(def.minWidth, 48)),
    maxWidth: num(def.maxWidth, Infinity),
    flex: num(def.flex, 0),
    hide: !!def.hide,
    sortable: def.sortable !== false,
    sort: def.sort === 'asc' || def.sort === 'desc' ? def.sort : null,
    filter: filterKind(def.filter ?? true),
    resizable: def.resizable !== false,
    pinned: pinned === 'left' ? 'left' : null,
    cellStyle: def.cellStyle || null,
    cellClass: def.cellClass || null,
    valueFormatter: typeof def.valueFormatter === 'function' ? def.valueFormatter : null,
    valueGetter: typeof def.valueGetter === 'function' ? def.valueGetter : null,
    cellRenderer: typeof cellRenderer === 'function' ? cellRenderer : null,
    comparator: typeof def.comparator === 'function' ? def.comparator : null,
    headerTooltip: def.headerTooltip != null ? String(def.headerTooltip) : null,
    numericType: def.type === 'numericColumn' || def.filter === 'agNumberColumnFilter',
    numeric: false,       // decided from the data (see grid.js)
    groups: [],           // the group headers above it, outermost first: [{key, name, id}]
  };
}

/**
 * The spec's column tree -> {columns (leaves, spec order), depth (group header rows)}.
 * Options merge as in PyWebIO: defaultColDef, then column_args by field name (a str key applies to
 * every column with that last key), then by key path (a tuple key: that column or group only).
 */
export function buildColumns(spec, gridArgs) {
  const fieldArgs = revive(spec.field_args || {});
  const pathArgs = new Map((revive(spec.path_args || [])).map(([path, args]) => [JSON.stringify(path), args]));
  const defaults = { ...(gridArgs.defaultColDef || {}) };
  const fieldIndex = new Map((spec.fields || []).map((path, i) => [JSON.stringify(path), i]));
  const columns = [];
  let depth = 0;
  let groupId = 0;
  const walk = (nodes, prefix, groups) => {
    for (const node of nodes) {
      const path = [...prefix, node.key];
      const own = pathArgs.get(JSON.stringify(path)) || {};
      if (node.children?.length) {
        const group = { key: node.key, name: own.headerName != null ? String(own.headerName) : title(node.key), id: ++groupId };
        walk(node.children, path, [...groups, group]);
      } else {
        const def = { ...defaults, ...(fieldArgs[node.key] || {}), ...own };
        const col = makeColumn(def, path, columns.length, fieldIndex.get(JSON.stringify(path)) ?? -1);
        col.groups = groups;
        depth = Math.max(depth, groups.length);
        columns.push(col);
      }
    }
  };
  walk(spec.columns || [], [], []);
  return { columns, depth };
}

/** grid_args with functions revived, unknown names warned about once. */
export function gridOptions(spec) {
  const args = revive(spec.grid_args || {});
  for (const key in args) if (!GRID_KEYS.has(key) && !QUIET.has(key)) warnOnce('grid', key);
  for (const key in args.defaultColDef || {}) {
    if (!COLUMN_KEYS.has(key) && !QUIET.has(key)) warnOnce('column', key);
  }
  return args;
}

/** The handler of an ag-grid event in grid_args (onSortChanged or sortChanged), or null. */
export function eventHandler(args, name) {
  const fn = args[`on${name}`] || args[name[0].toLowerCase() + name.slice(1)];
  return typeof fn === 'function' ? fn : null;
}
