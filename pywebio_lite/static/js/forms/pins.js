/**
 * Pins: input widgets placed in the output (docs/input-protocol.md §2).
 *
 * The `pin` renderer draws {"type": "pin", "input": item} with the same fields as forms. Pins are
 * found by name; a new pin with the name of an existing one takes over the name, and the old
 * widget stays where it was, disabled, with a short note saying a newer one replaced it.
 *
 * Commands: pin_values (reply js_yield {name: value} for the pins in the page, uploading chosen
 * files first), pin_update, pin_wait (reply js_yield {name, value} at the first change the *user*
 * makes, or null at the timeout), pin_onchange (callbacks that get {"value": v} on each change).
 * A change is every edit of a text box (each `input` event), and `change` of the other widgets.
 */
import { sendEvent } from '../connection.js';
import { h } from '../dom.js';
import { flushPending } from '../scopes.js';
import { Field } from './fields.js';
import { t } from './i18n.js';

const pins = new Map();       // name -> the live Field
const callbacks = new Map();  // name -> [callback id]
let waiters = [];             // [{names: Set, taskId, timer}]
// task id -> {names, first}: the first change to one of `names` the user made after that task's
// last wait ended. A task that waits again in a loop (`while True: pin_wait_change(...)`) gets it
// at once: a change made while its next pin_wait was still on its way is not lost.
const gaps = new Map();

/** A pin's value as events carry it; files travel only with pin_values. */
const changeValue = (field) => (field.type === 'file' ? [] : field.value());

const hooks = {
  edit(field) {
    if (field.expired) return;
    const value = changeValue(field);
    const name = field.name;
    for (const gap of gaps.values()) gap.first ||= gap.names.has(name) && { name, value };
    for (const waiter of waiters.filter((w) => w.names.has(name))) {
      finishWait(waiter, { name, value });
    }
    for (const id of callbacks.get(name) || []) sendEvent('callback', id, { value });
  },
  press(field, button) {
    field.pressed = button.value;
    hooks.edit(field);
  },
};

function finishWait(waiter, data) {
  clearTimeout(waiter.timer);
  waiters = waiters.filter((w) => w !== waiter);
  gaps.set(waiter.taskId, { names: waiter.names });
  sendEvent('js_yield', waiter.taskId, data);
}

function expire(field) {
  field.expired = true;
  field.setDisabled(true);
  field.wrap.classList.add('pwl-pin-expired');
  field.wrap.append(h('p', { class: 'pwl-pin-note' }, t('expired')));
}

/** The `pin` output renderer. */
export function renderPin(spec) {
  const item = spec.input || {};
  const field = new Field(item, hooks);
  const wrap = h('div', { class: 'pwl-pin', 'data-pin': item.name }, field.el);
  field.wrap = wrap;
  const old = pins.get(item.name);
  if (old && !old.expired) expire(old);
  pins.set(item.name, field);
  return wrap;
}

/** The pin called `name` if it is in the page. */
function live(name) {
  const field = pins.get(name);
  return field && !field.expired && field.wrap.isConnected ? field : null;
}

export async function pinValues(spec, command) {
  flushPending();  // a pin drawn earlier in this frame may still wait in a fragment
  const values = {};
  const jobs = [];
  for (const name of spec.names || []) {
    const field = live(name);
    if (!field) continue;
    if (field.type === 'file') {
      const files = field.value();
      values[name] = [];
      if (files.length && spec.upload_target) {
        jobs.push({ name, files, field, progress: (x) => field.setProgress(x) });
      }
    } else {
      values[name] = field.value();
    }
  }
  if (jobs.length) {
    try {
      const { uploadFiles } = await import('./upload.js');  // loaded with the first file pin sent
      Object.assign(values, await uploadFiles(spec.upload_target, jobs, { next: 0 }));
    } catch (err) {
      console.error('pywebio_lite: a file pin could not be uploaded', err);
    } finally {
      for (const job of jobs) job.field.setProgress(null);
    }
  }
  sendEvent('js_yield', command.task_id, values);
}

export function pinUpdate(spec) {
  pins.get(spec.name)?.update(spec.attributes || {});
}

export function pinWait(spec, command) {
  const names = new Set(spec.names || []);
  const missed = gaps.get(command.task_id)?.first;
  gaps.delete(command.task_id);
  if (missed && names.has(missed.name)) return sendEvent('js_yield', command.task_id, missed);
  const waiter = { names, taskId: command.task_id, timer: 0 };
  waiters.push(waiter);
  if (spec.timeout != null) {
    const ms = Math.min(Math.max(0, Number(spec.timeout) * 1000), 2 ** 31 - 1);
    waiter.timer = setTimeout(() => finishWait(waiter, null), ms);
  }
}

export function pinOnchange(spec) {
  const list = spec.clear ? [] : callbacks.get(spec.name) || [];
  if (spec.callback_id) list.push(spec.callback_id);
  callbacks.set(spec.name, list);
}
