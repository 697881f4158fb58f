/**
 * table: {rows: [[cell]], spans?: {"r,c": [rowspan, colspan]}} -> <table> in a scroll wrapper.
 * Row 0 is the header (<th scope="col">). A cell is text, a nested spec, or null/"" (empty).
 * style/onclick go to the <table>; the wrapper only scrolls sideways on narrow screens.
 */
import { h } from '../dom.js';
import { render } from '../render.js';

function cell(tag, value, span) {
  const el = document.createElement(tag);
  if (tag === 'th') el.scope = 'col';
  if (span) {
    if (span[0] > 1) el.rowSpan = span[0];
    if (span[1] > 1) el.colSpan = span[1];
  }
  if (value != null && value !== '') el.append(typeof value === 'object' ? render(value) : String(value));
  return el;
}

export default function table(spec) {
  const rows = spec.rows || [];
  const spans = spec.spans || {};
  const tableEl = h('table', { class: 'pwl-table' });
  rows.forEach((cells, r) => {
    const tag = r === 0 ? 'th' : 'td';
    const tr = document.createElement('tr');
    cells.forEach((value, c) => tr.append(cell(tag, value, spans[`${r},${c}`])));
    if (r === 0) tableEl.append(h('thead', null, tr));
    else (tableEl.tBodies[0] || tableEl.appendChild(document.createElement('tbody'))).append(tr);
  });
  const wrap = h('div', { class: 'pwl-table-wrap' }, tableEl);
  wrap.pwlMain = tableEl;
  return wrap;
}
