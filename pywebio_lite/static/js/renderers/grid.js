/**
 * grid: {cells: [[cell]], cell_width, cell_height, cell_widths?, cell_heights?, direction, spans?}
 * -> a CSS grid. direction "row": cells[r] is a row; "column": cells[i] is a column.
 * spans {"r,c": [rowspan, colspan]} make cells span tracks. Every cell is placed explicitly,
 * skipping slots taken by spans above; null cells that no longer fit in their line (the server
 * pads short lines) are dropped.
 */
import { h } from '../dom.js';
import { render } from '../render.js';

export default function grid(spec) {
  const cells = spec.cells || [];
  const across = Math.max(0, ...cells.map((line) => line.length));
  const byColumn = spec.direction === 'column';
  const [ncols, nrows] = byColumn ? [cells.length, across] : [across, cells.length];
  const el = h('div', { class: 'pwl-grid' });
  el.style.gridTemplateColumns = spec.cell_widths || `repeat(${ncols || 1}, ${spec.cell_width || 'auto'})`;
  el.style.gridTemplateRows = spec.cell_heights || `repeat(${nrows || 1}, ${spec.cell_height || 'auto'})`;
  const spans = spec.spans || {};
  const taken = new Set();
  cells.forEach((line, l) => {
    let pos = 0;
    line.forEach((value, i) => {
      while (taken.has(`${l},${pos}`)) pos++;
      if (value == null && pos >= across) return;
      const [rows, cols] = spans[`${l},${i}`] || [1, 1];
      const [along, over] = byColumn ? [rows, cols] : [cols, rows];
      for (let a = 0; a < over; a++) for (let b = 0; b < along; b++) taken.add(`${l + a},${pos + b}`);
      const [row, col] = byColumn ? [pos, l] : [l, pos];
      const item = value == null ? h('div', { class: 'pwl-empty' }) : render(value);
      item.style.gridArea = `${row + 1} / ${col + 1} / span ${rows} / span ${cols}`;
      el.append(item);
      pos += along;
    });
  });
  return el;
}
