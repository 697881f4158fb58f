/**
 * The run_script command: {code, args: {name: value}, eval?}. `code` runs with each arg as a
 * local variable. With eval, the value of `code` (awaited if it is a Promise) goes back as a
 * js_yield event of the command's task; undefined, unserialisable values and errors send null.
 */
import { sendEvent } from './connection.js';

function jsonable(value) {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

export function runScript(spec, command) {
  const args = spec.args || {};
  const names = Object.keys(args);
  let result;
  try {
    // A direct eval inside the function sees the arguments and returns the value of the
    // last statement, so expressions and short statement lists both work.
    const body = spec.eval ? `return eval(${JSON.stringify(spec.code)})` : spec.code;
    result = Function(...names, body)(...names.map((n) => args[n]));
  } catch (err) {
    console.error('pywebio_lite: run_js/eval_js code failed', err);
    result = null;
  }
  if (!spec.eval) return;
  Promise.resolve(result)
    .catch((err) => { console.error('pywebio_lite: eval_js promise rejected', err); return null; })
    .then((value) => sendEvent('js_yield', command.task_id, jsonable(value)));
}
