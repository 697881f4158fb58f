/**
 * The datatable, loaded (by main.js) with the first frame that shows one or changes one.
 *
 *   ../renderers/datatable.js  the `datatable` renderer and the live grids
 *   grid.js     the grid view: virtual scrolling, keyboard, selection, resize, sort/filter UI
 *   model.js    the data by column, filtering and sorting on typed keys
 *   columns.js  column_args / grid_args -> columns and options (the supported ag-grid subset)
 *   api.js      the object `ag_grid_<instance_id>_promise` resolves to
 *
 * Commands (docs/protocol.md): datatable_rows (the next chunk of a table's rows),
 * datatable_update, datatable_insert, datatable_remove. A missing table or row is logged and
 * ignored. Its stylesheet (css/datatable.css) is loaded first, so no grid shows unstyled.
 */
import { registerCommand } from '../commands.js';
import { loadStylesheet } from '../dom.js';
import { registerRenderer } from '../render.js';
import datatable, { byKey, byInstance } from '../renderers/datatable.js';
// Named here too so the browser fetches the whole module graph at once, not level by level.
import './grid.js';
import './model.js';
import './columns.js';
import './api.js';

await loadStylesheet(new URL('../../css/datatable.css', import.meta.url).href);

function instance(spec) {
  const grid = byInstance.get(spec?.instance_id);
  if (!grid) console.error(`Datatable instance [${spec?.instance_id}] not found`);
  return grid;
}

registerRenderer('datatable', datatable);
registerCommand('datatable_rows', (spec) => {
  const grid = byKey.get(spec.key);
  if (!grid) return;
  if (!grid.root.isConnected && grid.isMounted) { byKey.delete(spec.key); return; }  // the table was removed
  grid.addChunk(spec);
});
registerCommand('datatable_update', (spec) => {
  const grid = instance(spec);
  if (!grid) return;
  if (spec.row_id == null) grid.setRecords(spec.records || []);
  else if (spec.field) grid.updateValue(spec.row_id, spec.field, spec.value);
  else grid.updateRecord(spec.row_id, spec.record || {});
});
registerCommand('datatable_insert', (spec) => {
  const grid = instance(spec);
  if (grid) grid.insertRecords(spec.records || [], spec.row_id);
});
registerCommand('datatable_remove', (spec) => {
  const grid = instance(spec);
  if (grid) grid.removeRows(spec.row_ids || []);
});
