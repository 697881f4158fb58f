/**
 * Command name -> handler (docs/protocol.md §3), and how one frame's commands are applied.
 *
 * Other modules add commands with `registerCommand` (the forms code registers input_group,
 * update_input, destroy_form and pin_*). A module that is only needed by some apps is loaded on
 * first use: `registerLazy(name, load)` loads it before the first frame whose "load" list names
 * it (the server lists what a frame needs), and that frame (and every later one) waits for it.
 */
import { finish } from './connection.js';
import { outputCtl, place, flushPending } from './scopes.js';
import { render, runMounts } from './render.js';
import { env, setEnv, noteOutput } from './env.js';
import { showToast } from './toast.js';
import { runScript } from './script.js';
import { download } from './download.js';
import { setProgressbar } from './renderers/progressbar.js';
import { setStatus } from './status.js';
import { openApp } from './webio.js';

/** Draw an output spec and put it into its scope (§4). */
function output(spec) {
  const el = render(spec);
  noteOutput(el, spec.scope);
  place(spec.scope, el, spec.position ?? -1);
  runMounts();
}

const handlers = new Map(Object.entries({
  output,
  output_ctl: outputCtl,
  close_popup() {},  // no popup was ever shown; popup.js (loaded with the first popup) replaces it
  toast: showToast,
  set_progressbar: setProgressbar,
  run_script(spec, cmd) { flushPending(); runScript(spec, cmd); },  // the script sees this frame's output
  download,
  set_env: setEnv,
  open_app(spec) { openApp(spec.name, spec.new_window); },
  close_session() { finish(); setStatus('closed'); },
}));

/** Add (or replace) the handler of a command: handler(spec, command). */
export function registerCommand(name, handler) {
  handlers.set(name, handler);
}

const lazies = [];

/**
 * Load `load()` (a dynamic import) before the first frame whose "load" list names `need`
 * (docs/protocol.md §2), or, when `need` is a function, for which `need(text)` is true.
 */
export function registerLazy(need, load) {
  const test = typeof need === 'function' ? need : (text, names) => names?.includes(need);
  lazies.push({ test, load, promise: null, done: false });
}

/** null, or a Promise that settles when every module this frame needs has loaded. */
export function prepareFrame(text, names) {
  const waits = [];
  for (const lazy of lazies) {
    if (lazy.done || !lazy.test(text, names)) continue;
    lazy.promise ||= lazy.load().finally(() => { lazy.done = true; });
    waits.push(lazy.promise);
  }
  return waits.length ? Promise.allSettled(waits) : null;
}

/** Apply one frame's commands, in order. One bad command never stops the others. */
export function applyCommands(commands) {
  for (const cmd of commands) {
    const handler = handlers.get(cmd.command);
    if (env.debug) console.debug('pywebio_lite <', cmd);
    if (!handler) {
      console.warn(`pywebio_lite: unknown command ${cmd.command}`);
      continue;
    }
    try {
      handler(cmd.spec, cmd);
    } catch (err) {
      console.error(`pywebio_lite: the ${cmd.command} command failed`, err, cmd);
    }
  }
  flushPending();
  runMounts();
}
