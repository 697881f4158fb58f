/**
 * The `WebIO` global PyWebIO's page gives app scripts, for code written against PyWebIO:
 *   WebIO.openApp(name, new_window)                    go to another app of this server
 *   WebIO._state.CurrentSession.on_session_close(cb)   cb() once the session has ended
 *                                                      (the app finished or the connection is gone)
 * and the open_app command, which uses the same openApp.
 */

const closeCallbacks = [];
let closed = false;

/** Go to the app `name` (`?app=name`), in a new tab if `newWindow`. */
export function openApp(name, newWindow = false) {
  const url = `?app=${encodeURIComponent(name)}`;
  if (newWindow) open(url, '_blank', 'noopener');
  else location.href = url;
}

/** The session has ended: run the on_session_close callbacks, once. */
export function sessionClosed() {
  if (closed) return;
  closed = true;
  for (const cb of closeCallbacks.splice(0)) {
    try { cb(); } catch (err) { console.error('pywebio_lite: an on_session_close callback failed', err); }
  }
}

const CurrentSession = Object.freeze({
  on_session_close(callback) {
    if (typeof callback !== 'function') throw new TypeError('on_session_close() needs a function');
    if (closed) setTimeout(callback);
    else closeCallbacks.push(callback);
  },
  closed: () => closed,
});

window.WebIO = Object.freeze({
  openApp,
  _state: Object.freeze({ CurrentSession }),
});
