/**
 * progressbar: {name, value: 0..1, label?, auto_close?} -> role="progressbar" with a visible label
 * ("12.5%" by default). The set_progressbar command updates it by name; an auto_close bar goes
 * away when it reaches 1.
 */
import { h } from '../dom.js';
import { findById } from '../scopes.js';

const ID_PREFIX = 'webio-progressbar-';  // PyWebIO's id, which apps' own JS and CSS use

function update(el, value, label) {
  const percent = Math.min(Math.max(Number(value) || 0, 0), 1) * 100;
  const text = label ?? `${percent.toFixed(1)}%`;
  el.setAttribute('aria-valuenow', String(Math.round(percent * 10) / 10));
  el.setAttribute('aria-valuetext', text);
  el.querySelector('.pwl-progress-fill').style.width = `${percent}%`;
  el.querySelector('.pwl-progress-label').textContent = text;
  if (percent >= 100 && el.dataset.autoClose) el.remove();
}

export default function progressbar(spec) {
  const el = h('div', {
    class: 'pwl-progress',
    id: ID_PREFIX + spec.name,
    role: 'progressbar',
    'aria-valuemin': '0',
    'aria-valuemax': '100',
    'data-auto-close': spec.auto_close ? '1' : null,
  },
  h('div', { class: 'pwl-progress-track' }, h('div', { class: 'pwl-progress-fill' })),
  h('span', { class: 'pwl-progress-label' }));
  update(el, spec.value, spec.label);
  return el;
}

/** The set_progressbar command: {name, value, label?}. */
export function setProgressbar(spec) {
  const el = findById(ID_PREFIX + spec.name);
  if (el) update(el, spec.value, spec.label);
}
