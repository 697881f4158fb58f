/**
 * The popup and close_popup commands: one modal dialog at a time (a new one replaces the open one).
 *
 * role="dialog" labelled by its title; its body is the scope `spec.name`, so `with popup():`
 * output lands in it. While open, the page behind is inert and focus is in the dialog; on close
 * focus goes back where it was. closable: a "Close" button and Esc. implicit_close: a click on
 * the backdrop closes it too.
 */
import { h, uid } from './dom.js';
import { renderInto, runMounts } from './render.js';
import { SCOPE_PREFIX } from './scopes.js';
import { registerCommand } from './commands.js';

let current = null;  // {backdrop, opener, onKey}

export function showPopup(spec) {
  const opener = current ? current.opener : document.activeElement;
  closePopup(false);
  const titleId = uid('popup-title');
  const header = h('div', { class: 'pwl-popup-header' },
    h('h2', { class: 'pwl-popup-title', id: titleId }, spec.title ?? ''));
  const body = renderInto(h('div', { class: 'pwl-popup-body pwl-scope pwl-flow', id: SCOPE_PREFIX + spec.name }), spec.contents);
  const size = ['small', 'large'].includes(spec.size) ? spec.size : 'normal';
  const dialog = h('div', {
    class: `pwl-popup pwl-popup-${size}`, role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId, tabindex: '-1',
  }, header, body);
  const backdrop = h('div', { class: 'pwl-popup-backdrop' }, dialog);
  const closable = spec.closable !== false;
  if (closable) {
    const close = h('button', { type: 'button', class: 'pwl-close', 'aria-label': 'Close' });
    close.addEventListener('click', () => closePopup());
    header.append(close);
  }
  if (closable && spec.implicit_close) {
    // Close only when the press started on the backdrop too (not a text selection dragged out).
    let downOnBackdrop = false;
    backdrop.addEventListener('pointerdown', (ev) => { downOnBackdrop = ev.target === backdrop; });
    backdrop.addEventListener('click', (ev) => {
      if (ev.target === backdrop && downOnBackdrop) closePopup();
    });
  }
  const onKey = (ev) => {
    if (ev.key === 'Escape' && closable && !ev.defaultPrevented) {
      ev.preventDefault();
      closePopup();
    }
  };
  document.addEventListener('keydown', onKey);
  current = { backdrop, opener, onKey };
  document.getElementById('pwl-page').inert = true;
  document.documentElement.classList.add('pwl-modal-open');
  document.body.append(backdrop);
  dialog.focus({ preventScroll: true });
  runMounts();
}

/** Close the popup (if any); `restore` puts focus back where it was before it opened. */
export function closePopup(restore = true) {
  if (!current) return;
  const { backdrop, opener, onKey } = current;
  current = null;
  document.removeEventListener('keydown', onKey);
  backdrop.remove();
  if (!restore) return;
  document.getElementById('pwl-page').inert = false;
  document.documentElement.classList.remove('pwl-modal-open');
  if (opener?.isConnected && typeof opener.focus === 'function') opener.focus({ preventScroll: true });
}

registerCommand('popup', showPopup);
registerCommand('close_popup', closePopup);
