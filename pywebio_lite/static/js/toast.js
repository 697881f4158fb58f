/**
 * The toast command: {content, duration (ms, 0 = until closed), position: left|center|right,
 * color: "#hex", callback_id|null}. Toasts stack at the top of the window; each is role="status"
 * inside a polite live region, so screen readers announce it. A click (or Enter) calls the
 * callback, if any, and hides the toast. A sticky toast has a "Close" button.
 */
import { sendEvent } from './connection.js';
import { h } from './dom.js';

const stacks = {};

function stack(position) {
  return (stacks[position] ||= document.getElementById('pwl-toasts')
    .appendChild(h('div', { class: `pwl-toast-stack pwl-toast-${position}` })));
}

/** White text unless it would be too faint on this background (WCAG contrast < 3). */
function textColor(hex) {
  let v = String(hex).replace('#', '');
  if (v.length === 3) v = [...v].map((c) => c + c).join('');
  if (!/^[\da-f]{6}$/i.test(v)) return '#fff';
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(v.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return 1.05 / (luminance + 0.05) >= 3 ? '#fff' : '#111';
}

export function showToast(spec) {
  const position = ['left', 'right'].includes(spec.position) ? spec.position : 'center';
  const el = h('div', { class: 'pwl-toast', role: 'status' }, h('div', { class: 'pwl-toast-text' }, String(spec.content ?? '')));
  if (spec.color) {
    el.style.background = spec.color;
    el.style.color = textColor(spec.color);
  }
  let timer = 0;
  const hide = () => {
    clearTimeout(timer);
    el.classList.add('pwl-toast-out');
    setTimeout(() => el.remove(), 200);
  };
  const activate = () => {
    if (spec.callback_id) sendEvent('callback', spec.callback_id, null);
    hide();
  };
  el.addEventListener('click', activate);
  if (spec.callback_id) {
    el.classList.add('pwl-clickable');
    el.tabIndex = 0;
    el.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') activate(); });
  }
  if (spec.duration > 0) {
    // The timer waits while the pointer rests on the toast.
    const start = () => { timer = setTimeout(hide, spec.duration); };
    el.addEventListener('mouseenter', () => clearTimeout(timer));
    el.addEventListener('mouseleave', start);
    start();
  } else {
    const close = h('button', { type: 'button', class: 'pwl-close', 'aria-label': 'Close' });
    close.addEventListener('click', (ev) => { ev.stopPropagation(); hide(); });
    el.append(close);
  }
  stack(position).append(el);
}
