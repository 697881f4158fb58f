/**
 * The session indicator: nothing while the app runs; a small note (and a grey favicon) once the
 * app has ended ("closed") or the connection is gone ("lost").
 */
import { sessionClosed } from './webio.js';
import { t } from './i18n.js';

const TEXT = { closed: 'sessionClosed', lost: 'sessionLost' };

export function setStatus(kind) {
  sessionClosed();
  const el = document.getElementById('pwl-status');
  if (document.documentElement.dataset.session === 'lost') return;  // keep the louder state
  document.documentElement.dataset.session = kind;
  el.textContent = t(TEXT[kind]);
  el.dataset.kind = kind;
  el.hidden = false;
  const icon = document.getElementById('pwl-favicon');
  if (icon) icon.href = icon.href.replace('%232563eb', kind === 'lost' ? '%23dc2626' : '%2394a3b8');
}
