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

// The input side (forms and pin widgets) lives in ./forms/ and is loaded with the first frame
// that needs it; forms/index.js registers its commands and renderers when it is imported.
// Popups (popup.js) load with the first frame that opens one; it registers popup and close_popup.
registerLazy(['"command":"popup"'], () => import('./popup.js'));
registerLazy(['"command":"input_group"', '"command":"update_input"', '"command":"destroy_form"',
  '"command":"pin_', '"type":"pin"'], () => import('./forms/index.js'));
// The data grid (./datatable/, its own stylesheet) comes with the first frame that shows one.
registerLazy(['"type":"datatable"', '"command":"datatable_'], () => import('./datatable/index.js'));

// Our small `$` (dollar.js) for scripts written for PyWebIO's page, which has jQuery: loaded
// before the first frame with a run_js script or a put_html <script> that mentions `$` or
// `jQuery`, and before the app's own js_code if that does.
const USES_DOLLAR = /\$|\bjQuery\b/;
const hasScript = (text) => text.includes('"command":"run_script"') || (text.includes('"type":"html"') && /<script/i.test(text));
registerLazy((text) => hasScript(text) && USES_DOLLAR.test(text), () => import('./dollar.js'));

// The labels of a language other than English: frames wait for its table (the page's own
// language is loading already; a set_env(language=...) frame loads it before it is applied).
registerLazy(() => tablesMissing(), needTables);
registerLazy((text) => text.includes('"command":"set_env"') && text.includes('"language"'), needTables);

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
});
runUserScripts();
