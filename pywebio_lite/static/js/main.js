/**
 * Bootstrap: read the page config, expose the client to app scripts as `window.pywebio_lite`,
 * run the app's js_file/js_code, and connect to the session.
 *
 * Where things are: connection.js (socket, frames), commands.js (command -> handler),
 * scopes.js (scopes, output_ctl), render.js (spec -> element; renderers/<type>.js),
 * popup.js, toast.js, env.js (set_env), script.js (run_js/eval_js), download.js, highlight.js.
 */
import { connect, sendEvent, lastSeq } from './connection.js';
import { applyCommands, prepareFrame, registerCommand, registerLazy } from './commands.js';
import { render, registerRenderer } from './render.js';
import { env, settle } from './env.js';
import { showToast } from './toast.js';
import { setStatus } from './status.js';

const config = JSON.parse(document.body.dataset.config || '{}');
env.debug = !!config.debug;

// The input side (forms and pin widgets) lives in ./forms/ and is loaded with the first frame
// that needs it; forms/index.js registers its commands and renderers when it is imported.
registerLazy(['"command":"input_group"', '"command":"update_input"', '"command":"destroy_form"',
  '"command":"pin_', '"type":"pin"'], () => import('./forms/index.js'));
// The data grid (./datatable/, its own stylesheet) comes with the first frame that shows one.
registerLazy(['"type":"datatable"', '"command":"datatable_'], () => import('./datatable/index.js'));

window.pywebio_lite = Object.freeze({
  version: config.version, env, registerCommand, registerRenderer, render, sendEvent, lastSeq,
});

/** The app's own scripts (config js_file/js_code), in order, now that the client exists. */
async function runUserScripts() {
  const tpl = document.getElementById('pwl-user-js');
  for (const old of tpl ? tpl.content.querySelectorAll('script') : []) {
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
  lost() {
    setStatus('lost');
    showToast({ content: 'Disconnected from the server, please refresh the page', duration: 0, position: 'center', color: '#dc2626' });
  },
});
runUserScripts();
