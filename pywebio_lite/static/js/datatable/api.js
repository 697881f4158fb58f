/**
 * What `window.ag_grid_<instance_id>_promise` resolves to: a gridOptions-like object with the
 * ag-grid methods PyWebIO apps call most, so their JavaScript keeps running.
 *
 *   options.api        setRowData(rows), getRowNode(id), applyTransaction({add, addIndex, update,
 *                      remove}), getSelectedNodes(), getSelectedRows(), selectAll(), deselectAll(),
 *                      getDisplayedRowCount(), getDisplayedRowAtIndex(i), forEachNode(fn),
 *                      forEachNodeAfterFilterAndSort(fn), getValue(colKey, node), refreshCells(),
 *                      redrawRows(), sizeColumnsToFit(), ensureIndexVisible(i), setQuickFilter() (no-op
 *                      warning), getSortModel(), setSortModel([{colId, sort}]), setFilterModel(null),
 *                      paginationGoToPage(n), paginationGetCurrentPage(), exportDataAsCsv()
 *   options.columnApi  autoSizeAllColumns(), autoSizeColumns(keys), getColumns(),
 *                      setColumnVisible(key, visible), setColumnWidth(key, px), setColumnPinned(key, pinned)
 *   options.path2field / field2path / flatten_row, options.spec, options.getSelectedRowIDs()
 *
 * Rows given to these methods are flat, keyed by field name (flatten_row() makes one from a
 * nested record), as with PyWebIO on ag-grid.
 */
import { path2field, field2path } from './columns.js';
import { toText } from './model.js';

export function makeApi(grid) {
  const store = grid.store;
  const colByKey = (key) => grid.columns.find((c) => c.field === key || c.path.join('.') === key
    || (c.path.length === 1 && c.path[0] === key) || c.headerName === key);

  /** A flat row (field -> value) -> values in field order. */
  const fromFlat = (flat) => grid.fields.map((path) => {
    const field = path2field(path);
    if (field in flat) return flat[field];
    return path.length === 1 && path[0] in flat ? flat[path[0]] : null;
  });

  function flattenRow(record) {
    const out = {};
    grid.fields.forEach((path) => {
      let v = record;
      for (const key of path) v = v != null && typeof v === 'object' ? v[key] : undefined;
      if (v !== undefined) out[path2field(path)] = v;
    });
    return out;
  }

  function node(r) {
    const id = grid.store.ids[r];
    return {
      id, data: grid.rowData(r),
      get rowIndex() { return grid.displayIndexOf(grid.store.indexOf(id)); },
      isSelected: () => grid.selected.has(id),
      setSelected(on) { const at = grid.store.indexOf(id); if (at >= 0) grid.toggleRow(at, !!on); },
      setData(flat) { const at = grid.store.indexOf(id); if (at >= 0) { grid.store.setRow(at, fromFlat(flat)); grid.afterChange(false); } },
      setDataValue(key, value) {
        const col = colByKey(key);
        const at = grid.store.indexOf(id);
        if (!col || at < 0 || col.fieldIndex < 0) return false;
        grid.store.setValue(at, col.fieldIndex, value);
        grid.afterChange(false);
        return true;
      },
    };
  }

  const idOf = (flat) => (grid.idPath ? flat[path2field(grid.idPath)] ?? flat[grid.idPath[0]] : undefined);

  const api = {
    setRowData(rows) {
      const list = rows || [];
      store.reset(list.map(fromFlat), grid.idPath ? list.map(idOf) : null);
      grid.received = grid.total;
      grid.selected.clear();
      grid.selectionChanged();
      grid.afterChange();
    },
    getRowNode(id) {
      let r = store.indexOf(id);
      if (r < 0 && typeof id === 'string' && !grid.idPath) r = store.indexOf(Number(id));
      return r < 0 ? undefined : node(r);
    },
    applyTransaction({ add, addIndex, update, remove } = {}) {
      if (remove?.length) {
        const ids = remove.map((flat) => (grid.idPath ? idOf(flat) : flat?.id));
        grid.removeRows(ids.filter((id) => id !== undefined));
      }
      for (const flat of update || []) {
        const r = store.indexOf(idOf(flat));
        if (r >= 0) store.setRow(r, fromFlat(flat));
      }
      if (add?.length) {
        let at = Number.isInteger(addIndex) ? grid.physical(addIndex) ?? store.size : store.size;
        if (at < 0) at = store.size;
        store.insert(at, add.map(fromFlat), grid.idPath ? add.map(idOf) : null);
      }
      grid.afterChange();
    },
    getSelectedNodes: () => grid.selectedIds().map((id) => node(store.indexOf(id))),
    getSelectedRows: () => grid.selectedIds().map((id) => grid.rowData(store.indexOf(id))),
    selectAll: () => grid.selectAll(true),
    deselectAll: () => grid.setSelection([]),
    getDisplayedRowCount: () => grid.displayCount(),
    getDisplayedRowAtIndex(i) { const r = grid.physical(i); return r === undefined || i >= grid.displayCount() ? undefined : node(r); },
    forEachNode(fn) { for (let r = 0; r < store.size; r++) fn(node(r), r); },
    forEachNodeAfterFilterAndSort(fn) { const n = grid.viewLength(); for (let i = 0; i < n; i++) fn(node(grid.view ? grid.view[i] : i), i); },
    getValue(key, rowNode) { const col = typeof key === 'object' ? key : colByKey(key); const r = store.indexOf(rowNode?.id); return col && r >= 0 ? grid.valueOf(col, r) : undefined; },
    refreshCells() { grid.dataVer++; grid.schedule(); },
    redrawRows() { grid.dataVer++; grid.schedule(); },
    sizeColumnsToFit() { grid.userSized = false; grid.columns.forEach((c) => { c.w = 0; }); grid.autoSize(); },
    ensureIndexVisible(i) { grid.scrollRowIntoView(i - grid.pageStart()); grid.schedule(); },
    setQuickFilter() { console.warn('pywebio_lite datatable: setQuickFilter is not supported'); },
    getSortModel: () => grid.sortModel.map(({ col, dir }) => ({ colId: col.field, sort: dir > 0 ? 'asc' : 'desc' })),
    setSortModel(model) {
      grid.setSortModel((model || []).map((m) => ({ col: colByKey(m.colId), dir: m.sort === 'desc' ? -1 : 1 })).filter((m) => m.col));
    },
    setFilterModel(model) {
      if (model) { console.warn('pywebio_lite datatable: setFilterModel only clears the filters'); }
      grid.filters.clear();
      for (const input of grid.filterInputs.values()) input.value = '';
      grid.refreshView();
    },
    paginationGoToPage: (n) => grid.goToPage(n),
    paginationGetCurrentPage: () => grid.page,
    exportDataAsCsv({ fileName = 'export.csv' } = {}) {
      const cols = grid.cols.filter((c) => !c.check);
      const quote = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
      const lines = [cols.map((c) => quote(c.headerName)).join(',')];
      const n = grid.viewLength();
      for (let i = 0; i < n; i++) {
        const r = grid.view ? grid.view[i] : i;
        lines.push(cols.map((c) => quote(toText(grid.valueOf(c, r)))).join(','));
      }
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([lines.join('\n')], { type: 'text/csv' }));
      a.download = fileName;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    },
  };

  const columnObject = (c) => ({ colId: c.field, getColId: () => c.field, getColDef: () => c.def, getActualWidth: () => c.w || 0, isVisible: () => !c.hide });
  const columnApi = {
    autoSizeAllColumns() { grid.columns.forEach((c) => { c.width = null; c.flex = 0; }); grid.userSized = false; grid.autoSize(); },
    autoSizeColumns(keys) { for (const key of keys || []) { const c = colByKey(key); if (c) c.width = null; } grid.autoSize(); },
    getColumns: () => grid.columns.map(columnObject),
    getAllColumns: () => grid.columns.map(columnObject),
    setColumnVisible(key, visible) { const c = colByKey(key); if (c) { c.hide = !visible; grid.setupColumns(); grid.autoSize(); } },
    setColumnWidth(key, px) { const c = colByKey(key); if (c) grid.setWidth(grid.cols.find((x) => x === c) || c, Number(px)); },
    setColumnPinned(key, pinned) { const c = colByKey(key); if (c) { c.pinned = pinned ? 'left' : null; grid.setupColumns(); grid.autoSize(); } },
  };

  return {
    api, columnApi, node, spec: grid.spec, path2field, field2path, flatten_row: flattenRow,
    getSelectedRowIDs: () => grid.selectedIds(),
  };
}
