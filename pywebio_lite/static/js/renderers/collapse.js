/** collapse: {title, contents, open?} -> <details><summary>title</summary>body</details>. */
import { h } from '../dom.js';
import { renderInto } from '../render.js';

export default function collapse(spec) {
  const body = renderInto(h('div', { class: 'pwl-collapse-body pwl-flow' }), spec.contents);
  const el = h('details', { class: 'pwl-collapse', open: !!spec.open },
    h('summary', null, spec.title), body);
  el.pwlBody = body;
  return el;
}
