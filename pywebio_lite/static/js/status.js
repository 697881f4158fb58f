/**
 * The session indicator: nothing while the app runs; a quiet "Reconnecting…" while a dropped
 * connection is being replaced; a small note (and a grey or red favicon) once the app has ended
 * ("closed"), the connection is gone ("lost") or the server no longer has the session ("expired",
 * with a Reload button).
 */
import { sessionClosed } from './webio.js';
import { t } from './i18n.js';

const TEXT = { closed: 'sessionClosed', lost: 'sessionLost', expired: 'sessionClosed', reconnecting: 'reconnecting' };
const FINAL = new Set(['lost', 'expired']);

/** Show the state `kind`, or hide the indicator (null) once a reconnect succeeded. */
export function setStatus(kind) {
  const el = document.getElementById('pwl-status');
  if (FINAL.has(document.documentElement.dataset.session)) return;  // keep the louder state
  if (!kind) {
    if (document.documentElement.dataset.session !== 'reconnecting') return;
    delete document.documentElement.dataset.session;
    el.hidden = true;
    return;
  }
  document.documentElement.dataset.session = kind;
  el.textContent = t(TEXT[kind]);
  el.dataset.kind = kind;
  el.hidden = false;
  if (kind === 'expired') {
    const reload = document.createElement('button');
    reload.type = 'button';
    reload.textContent = t('reload');
    reload.className = 'pwl-status-reload';
    reload.addEventListener('click', () => location.reload());
    el.append(reload);
  }
  if (kind === 'reconnecting') return;  // a passing state: the session goes on, the favicon stays
  sessionClosed();
  const icon = document.getElementById('pwl-favicon');
  if (icon) icon.href = icon.href.replace('%232563eb', FINAL.has(kind) ? '%23dc2626' : '%2394a3b8');
}
