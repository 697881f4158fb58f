/**
 * column: {contents, size?} -> items stacked; a null item is a 10px gap. With `size` it is a CSS
 * grid whose grid-template-rows is size; without it each item keeps its natural height.
 */
import { layout } from './row.js';

export default function column(spec) {
  return layout(spec, 'column');
}
