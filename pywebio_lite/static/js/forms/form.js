/**
 * Forms: the input_group, update_input and destroy_form commands (docs/input-protocol.md §1).
 *
 * A form is a card in #input-container, below the output. Forms of several tasks stack up: only
 * the most recent one is shown, the others wait (hidden) until it is destroyed. Every event a
 * form sends names it: {"event", "task_id", "form": form_id, "data"}.
 *
 * Submitting: the fields are checked here first (numbers, file sizes, required), then files are
 * uploaded in chunks (./upload.js) while the submit button shows it is busy, then from_submit
 * goes. The form stays until the server destroys it; it may answer with errors instead
 * (update_input valid_status=false), shown at their fields.
 *
 * Panel settings (set_env): input_panel_fixed keeps the form in view at the bottom of the window
 * while the output above scrolls (input_panel_init_height / input_panel_min_height size it);
 * input_panel_fixed=False puts it inline after the output. input_auto_focus=False stops
 * focusing the first field.
 */
import { eventDataLimit, jsonBytes, sendEvent } from '../connection.js';
import { h, uid } from '../dom.js';
import { env } from '../env.js';
import { Field } from './fields.js';
import { formatSize, t } from './i18n.js';

const forms = new Map();  // form_id -> Form, in the order they were opened
// When the last form went away (performance.now()). A form that follows within FOLLOW_MS takes
// its place without the entrance fade: answering question after question should not flicker,
// and an animation running while the person types keeps the browser painting frames, which
// delays the next message by up to a frame.
let lastDestroyed = -Infinity;
const FOLLOW_MS = 400;

const container = () => document.getElementById('input-container');

let observer = null;

/** Apply the input_panel_* settings to the form container. */
export function applyPanelEnv() {
  const box = container();
  if (!box) return;
  if (!observer) {  // the fixed panel's CSS needs the form's height
    observer = new ResizeObserver(() => box.style.setProperty('--pwl-panel-h', `${box.offsetHeight}px`));
    observer.observe(box);
  }
  box.classList.add('pwl-input-panel');
  box.classList.toggle('pwl-panel-fixed', env.input_panel_fixed !== false);
  const px = (value, fallback, least) => `${Math.max(least, Number(value) || fallback)}px`;
  box.style.setProperty('--pwl-panel-min', px(env.input_panel_min_height, 300, 75));
  box.style.setProperty('--pwl-panel-init', px(env.input_panel_init_height, 300, 175));
}

/** Show the most recent form, hide the others. */
function showTop() {
  const list = [...forms.values()];
  const top = list[list.length - 1];
  for (const form of list) form.el.hidden = form !== top;
  if (top && !top.revealed) top.reveal();
}

class Form {
  constructor(spec, taskId) {
    this.id = spec.form_id;
    this.taskId = taskId;
    this.target = spec.upload_target || null;
    this.counter = { next: 0 };  // file numbers sent to this form's upload target
    this.busy = false;
    this.refused = false;
    this.destroyed = false;
    this.revealed = false;
    const items = (spec.inputs || []).slice();
    // A single input has no label of its own; the form's label is its label (and the title).
    const single = items.length === 1 && !items[0].label && !!spec.label;
    if (single) items[0] = { ...items[0], label: spec.label };
    const titleId = uid('form-title');
    // A one-field form needs no name of its own: its field is labelled with the same words.
    this.formEl = h('form', { class: 'pwl-form', novalidate: true, 'aria-labelledby': spec.label && !single ? titleId : null });
    this.formEl.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit(this.defaultPress());
    });
    if (spec.label && !single) this.formEl.append(h('h2', { class: 'pwl-form-title', id: titleId }, spec.label));
    const hooks = {
      edit: (field) => {
        if (field.item.onchange && !this.destroyed) this.send('input_event', { event_name: 'change', name: field.name, value: eventValue(field) });
      },
      blur: (field) => {
        if (field.item.validate && !this.destroyed) this.send('input_event', { event_name: 'blur', name: field.name, value: eventValue(field) });
      },
      enter: () => this.submit(this.defaultPress()),
      press: (field, button) => {
        const kind = button.type || 'submit';
        if (kind === 'reset') this.reset();
        else if (kind === 'cancel') this.cancel();
        else this.submit({ field, index: button.value, button });
      },
    };
    this.fields = items.map((item) => new Field(item, hooks, { title: single }));
    this.formEl.append(h('div', { class: 'pwl-form-body' }, ...this.fields.map((f) => f.el)));

    const last = items[items.length - 1];
    this.ownButtons = last?.type === 'actions' && (last.buttons || []).some((b) => (b.type || 'submit') === 'submit');
    this.formEl.classList.toggle('pwl-own-buttons', !!this.ownButtons);
    if (!this.ownButtons) {
      this.submitButton = h('button', { type: 'submit', class: 'pwl-btn pwl-btn-solid pwl-c-primary' }, t('submit'));
      const reset = this.resetButton = h('button', { type: 'button', class: 'pwl-btn pwl-btn-outline pwl-c-secondary' }, t('reset'));
      reset.addEventListener('click', () => this.reset());
      const bar = h('div', { class: 'pwl-form-buttons' }, this.submitButton, reset);
      if (spec.cancelable) {
        const cancel = h('button', { type: 'button', class: 'pwl-btn pwl-btn-outline pwl-c-secondary pwl-form-cancel' }, t('cancel'));
        cancel.addEventListener('click', () => this.cancel());
        bar.append(cancel);
      }
      this.formEl.append(bar);
    }
    this.el = h('section', { class: 'pwl-form-panel', 'data-form': this.id }, this.formEl);
  }

  send(event, data) {
    sendEvent(event, this.taskId, data, { form: this.id });
  }

  /** What Enter submits: with its own buttons, the form's first submit button. */
  defaultPress() {
    if (!this.ownButtons) return null;
    const field = this.fields[this.fields.length - 1];
    const button = (field.item.buttons || []).find((b) => (b.type || 'submit') === 'submit' && !b.disabled);
    return button ? { field, index: button.value, button } : null;
  }

  /** The form became the visible one: focus its first field (unless set_env(input_auto_focus=False),
   *  then the page does not move either). */
  reveal() {
    this.revealed = true;
    let first = this.fields.findIndex((f) => f.item.auto_focus);
    // a read-only field is not where typing starts: focus the next one that can be edited
    if (first >= 0 && this.fields[first].readonly) first = this.fields.findIndex((f, i) => i > first && !f.readonly && f.type !== 'actions');
    first = this.fields[first];
    if (first && env.input_auto_focus !== false) first.focus();
  }

  async submit(pressed) {
    if (this.busy || this.destroyed) return;
    let bad = null;
    for (const field of this.fields) {
      const error = field.check();
      if (error) {
        field.setValidity(false, error);
        bad ||= field;
      }
    }
    if (bad) {
      bad.focus();
      return;
    }
    const data = {};
    const jobs = [];
    for (const field of this.fields) {
      if (field.type === 'actions') {
        data[field.name] = pressed?.field === field ? pressed.index : null;
      } else if (field.type === 'file') {
        const files = field.value();
        data[field.name] = [];
        if (files.length) jobs.push({ name: field.name, files, field, progress: (x) => field.setProgress(x) });
      } else {
        data[field.name] = field.value();
      }
    }
    if (jsonBytes(data) > eventDataLimit()) {
      // Each field fits, all together do not: the biggest field says so.
      const sized = this.fields.filter((f) => f.type !== 'file' && f.type !== 'actions')
        .map((f) => [jsonBytes(f.value()), f]).sort((x, y) => y[0] - x[0]);
      const field = sized[0][1];
      field.setValidity(false, t('tooLongTogether', { size: formatSize(jsonBytes(data)), limit: formatSize(eventDataLimit()) }));
      field.focus();
      return;
    }
    if (jobs.length && this.target) {
      this.setBusy(true, pressed);
      this.refused = false;
      let upload = null;
      try {
        upload = await import('./upload.js');  // loaded with the first form that sends files
        Object.assign(data, await upload.uploadFiles(this.target, jobs, this.counter, () => this.destroyed || this.refused));
      } catch (err) {
        if (!(upload && err instanceof upload.UploadAborted)) {
          console.error('pywebio_lite: upload failed', err);
          jobs[0].field.setValidity(false, t('uploadFailed'));
        }
        return;
      } finally {
        this.setBusy(false);
        for (const job of jobs) job.field.setProgress(null);
      }
      if (this.destroyed || this.refused) return;
    }
    this.send('from_submit', data);
  }

  /** While files upload: submit buttons disabled, the pressed one shows a spinner. */
  setBusy(on, pressed) {
    this.busy = on;
    this.formEl.toggleAttribute('aria-busy', on);
    const submitters = this.ownButtons
      ? this.fields.filter((f) => f.type === 'actions').flatMap((f) => f.buttons.filter((b) => b.dataset.kind === 'submit'))
      : [this.submitButton];
    const spinning = pressed?.field?.buttons?.[pressed.field.item.buttons.indexOf(pressed.button)] || submitters[0];
    for (const button of submitters) {
      button.disabled = on || !!button.pwlSpec?.disabled;
      button.classList.toggle('pwl-busy', on && button === spinning);
      button.toggleAttribute('aria-busy', on && button === spinning);
    }
    if (this.resetButton) this.resetButton.disabled = on;
    for (const field of this.fields) if (field.type === 'file') field.setDisabled(on);
  }

  cancel() {
    if (!this.destroyed) this.send('from_cancel', null);
  }

  reset() {
    for (const field of this.fields) field.reset();
  }

  update(spec) {
    const field = this.fields.find((f) => f.name === spec.target_name);
    if (!field) return;
    const attributes = spec.attributes || {};
    field.update(attributes);
    if (this.busy && field.type === 'file' && attributes.valid_status === false) this.refused = true;
  }

  destroy() {
    this.destroyed = true;
    for (const field of this.fields) field.dispose();
    this.el.remove();
    forms.delete(this.id);
    lastDestroyed = performance.now();
    showTop();
  }
}

/** The value an input_event carries (files are only sent with a submit). */
const eventValue = (field) => (field.type === 'file' ? [] : field.value());

export function inputGroup(spec, command) {
  applyPanelEnv();
  forms.get(spec.form_id)?.destroy();
  const form = new Form(spec, command.task_id);
  if (performance.now() - lastDestroyed < FOLLOW_MS) form.el.classList.add('pwl-follows');
  forms.set(form.id, form);
  (document.getElementById('input-cards') || container()).append(form.el);  // #input-cards: PyWebIO's hook
  showTop();
}

export function updateInput(spec) {
  forms.get(spec.form_id)?.update(spec);
}

export function destroyForm(spec) {
  forms.get(spec.form_id)?.destroy();
}
