/**
 * The built-in renderers (one file per output type), registered with render.js, which imports
 * none of them. main.js imports this module once; forms/ and datatable/ register their own.
 */
import { registerRenderer } from '../render.js';
import text from './text.js';
import markdown from './markdown.js';
import html from './html.js';
import code from './code.js';
import table from './table.js';
import buttons from './buttons.js';
import image from './image.js';
import link from './link.js';
import progressbar from './progressbar.js';
import loading from './loading.js';
import alert from './alert.js';
import collapse from './collapse.js';
import scrollable from './scrollable.js';
import tabs from './tabs.js';
import widget from './widget.js';
import row from './row.js';
import column from './column.js';
import grid from './grid.js';
import scope from './scope.js';

for (const [k, v] of Object.entries({
  text, markdown, html, code, table, buttons, image, link, progressbar, loading, alert,
  collapse, scrollable, tabs, widget, row, column, grid, scope,
})) registerRenderer(k, v);
