/**
 * alert: {kind: info|success|warning|error, contents, closable?} -> a role="alert" box.
 * closable adds a "Close" button. As a context manager the body is the scope.
 */
import { h } from '../dom.js';
import { renderInto } from '../render.js';

export default function alert(spec) {
  const body = renderInto(h('div', { class: 'pwl-alert-body pwl-flow' }), spec.contents);
  const el = h('div', { class: `pwl-alert pwl-alert-${spec.kind || 'info'}`, role: 'alert' }, body);
  if (spec.closable) {
    const close = h('button', { type: 'button', class: 'pwl-close', 'aria-label': 'Close' });
    close.addEventListener('click', () => el.remove());
    el.append(close);
  }
  el.pwlBody = body;
  return el;
}
