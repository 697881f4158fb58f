/**
 * datatable: a data grid (docs/protocol.md, "datatable") -> the element of a datatable/grid.js Grid.
 *
 * Loaded with ../datatable/index.js the first time a frame holds a datatable (never on pages
 * without one). Keeps the live grids by their spec key (for row chunks) and by instance_id
 * (for datatable_update/insert/remove), and sets the PyWebIO globals: `ag_grid_<id>_promise`
 * resolves to the API object (../datatable/api.js) once the grid is on the page, and
 * `ag_grid_<id>` is that object.
 */
import { afterMount } from '../render.js';
import { Grid } from '../datatable/grid.js';
import { makeApi } from '../datatable/api.js';

export const byKey = new Map();
export const byInstance = new Map();

/** Forget grids that were shown and are gone from the page (their scope was cleared or removed). */
function sweep() {
  for (const map of [byKey, byInstance]) {
    for (const [name, grid] of map) {
      if (grid.isMounted && !grid.root.isConnected) {
        map.delete(name);
        grid.resizeObserver?.disconnect();
      }
    }
  }
}

export default function datatable(spec) {
  sweep();
  const grid = new Grid(spec);
  grid.api = makeApi(grid);
  byKey.set(spec.key, grid);
  let ready;
  const promise = new Promise((resolve) => { ready = resolve; });
  if (spec.instance_id) {
    byInstance.set(spec.instance_id, grid);
    window[`ag_grid_${spec.instance_id}_promise`] = promise;
    window[`ag_grid_${spec.instance_id}`] = grid.api;
  }
  afterMount(() => {
    grid.mounted();
    ready(grid.api);
    if (grid.events.GridReady) {
      try { grid.events.GridReady({ api: grid.api.api, columnApi: grid.api.columnApi, type: 'gridReady' }); } catch (err) { console.error(err); }
    }
  });
  return grid.root;
}
