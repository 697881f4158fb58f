/**
 * buttons: {callback_id, buttons: [{label, value, color?, disabled?}], small?, link?, outline?, group?}
 * -> real <button>s; a click sends `callback` with the button's index.
 */
import { sendEvent } from '../connection.js';
import { h } from '../dom.js';

export default function buttons(spec) {
  const variant = spec.link ? 'link' : spec.outline ? 'outline' : 'solid';
  const box = h('div', { class: `pwl-buttons${spec.group ? ' pwl-btn-group' : ''}`, role: spec.group ? 'group' : null });
  for (const b of spec.buttons) {
    const button = h('button', {
      type: 'button',
      class: `pwl-btn pwl-btn-${variant} pwl-c-${b.color || 'primary'}${spec.small ? ' pwl-btn-sm' : ''}`,
      disabled: !!b.disabled,
    }, b.label);
    button.addEventListener('click', () => sendEvent('callback', spec.callback_id, b.value));
    box.append(button);
  }
  return box;
}
