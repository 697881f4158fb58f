/**
 * row: {contents, size?} -> items side by side; a null item is a 10px gap.
 * With `size` the element is a CSS grid and size is its grid-template-columns. Without it every
 * item takes an equal share (1fr) and gaps 10px; this is done with flex so items output later
 * into a `with put_row():` scope get their share too. On a phone-width screen the items of a
 * row without `size` keep their natural width and wrap onto new lines.
 */
import { h } from '../dom.js';
import { render } from '../render.js';

export function layout(spec, kind) {
  const el = h('div', { class: `pwl-${kind}${spec.size ? '' : ' pwl-auto'}` });
  if (spec.size) el.style[kind === 'row' ? 'gridTemplateColumns' : 'gridTemplateRows'] = spec.size;
  const frag = document.createDocumentFragment();
  for (const item of spec.contents || []) {
    frag.append(item == null ? h('div', { class: 'pwl-gap', 'aria-hidden': 'true' }) : render(item));
  }
  el.append(frag);
  return el;
}

export default function row(spec) {
  return layout(spec, 'row');
}
