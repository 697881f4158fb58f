/**
 * Bootstrap: read the page config, expose the client to app scripts as `window.pywebio_lite`,
 * run the app's js_file/js_code, and connect to the session.
 *
 * Where things are: connection.js (socket, frames), commands.js (command -> handler),
 * scopes.js (scopes, output_ctl), render.js (spec -> element: the registry that
 * renderers/index.js fills with renderers/<type>.js),
 * popup.js, toast.js, env.js (set_env), script.js (run_js/eval_js), download.js, highlight.js,
 * webio.js (the `WebIO` global), dollar.js (our small `$`, loaded when a script uses it).
 */
import { connect, sendEvent, lastSeq, setTextLimit } from './connection.js';
import { applyCommands, prepareFrame, registerCommand, registerLazy } from './commands.js';
import { render, registerRenderer } from './render.js';
import './renderers/index.js';
import { env, settle } from './env.js';
import { showToast } from './toast.js';
import { setStatus } from './status.js';
import './webio.js';
import { t, tablesMissing, needTables } from './i18n.js';

const config = JSON.parse(document.body.dataset.config || '{}');
env.debug = !!config.debug;
setTextLimit(config.max_text_size);

// Modules loaded with the first frame whose "load" list names them (docs/protocol.md §2): the
// input side (./forms/, forms and pin widgets, registers its commands and renderers when it is
// imported), popups (popup.js), the data grid (./datatable/, its own stylesheet), our small `$`
// (dollar.js, for scripts written for PyWebIO's page, which has jQuery), the label tables of a
// language set with set_env(language=...).
registerLazy('popup', () => import('./popup.js'));
registerLazy('forms', () => import('./forms/index.js'));
registerLazy('datatable', () => import('./datatable/index.js'));
registerLazy('dollar', () => import('./dollar.js'));
registerLazy('i18n', needTables);
// The app's own js_code loads `$` if it uses it; the page's language (other than English) is
// loading already: frames wait for its table.
const USES_DOLLAR = /\$|\bjQuery\b/;
registerLazy(() => tablesMissing(), needTables);

window.pywebio_lite = Object.freeze({
  version: config.version, env, registerCommand, registerRenderer, render, sendEvent, lastSeq,
});

/** The app's own scripts (config js_file/js_code), in order, now that the client exists. */
async function runUserScripts() {
  const tpl = document.getElementById('pwl-user-js');
  const scripts = tpl ? [...tpl.content.querySelectorAll('script')] : [];
  if (scripts.some((s) => USES_DOLLAR.test(s.textContent))) await import('./dollar.js');
  for (const old of scripts) {
    const script = document.createElement('script');
    for (const attr of old.attributes) script.setAttribute(attr.name, attr.value);
    script.textContent = old.textContent;
    const loaded = script.src && new Promise((resolve) => { script.onload = script.onerror = resolve; });
    script.async = false;
    document.body.append(script);
    if (loaded) await loaded;
  }
}

connect({
  apply: applyCommands,
  settle,
  prepare: prepareFrame,
  lost(gone) {
    setStatus(gone ? 'expired' : 'lost');
    showToast({ content: t(gone ? 'sessionExpired' : 'disconnected'), duration: 0, position: 'center', color: '#dc2626' });
  },
  reconnecting(on) { setStatus(on ? 'reconnecting' : null); },
}, config.protocol === 'http');
runUserScripts();
