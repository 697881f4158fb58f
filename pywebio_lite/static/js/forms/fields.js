/**
 * One input field, shared by forms and pins (docs/input-protocol.md §1-2).
 *
 * `new Field(item, hooks)` draws an item spec into `field.el`: a real <label for> (a <legend> for
 * check boxes and radios), the control, the help text and the feedback line, wired with
 * aria-describedby / aria-invalid. Values are in the protocol's shape: strings, numbers or null,
 * option *indices*, File objects for file inputs (the form or pin code uploads them).
 *
 * The owner reacts to what the user does through `hooks`, all optional:
 *   edit(field)          the user changed the value (text: every `input` event; others: `change`)
 *   blur(field)          focus left the field
 *   enter(field)         Enter in a one-line field
 *   press(field, button) a button of an `actions` item was clicked
 * Changes made by code (set, update) never call hooks.
 */
import { eventDataLimit, jsonBytes, sendEvent } from '../connection.js';
import { h, uid } from '../dom.js';
import { t, formatSize } from './i18n.js';

/** The searchable select (combo.js), handed over by forms/index.js once a frame needs it. */
let Combo = null;
export function useCombo(cls) {
  Combo = cls;
}

const NATIVE_TYPES = new Set(['text', 'number', 'password', 'url', 'date', 'time', 'color', 'datetime-local']);
const ENTER_SUBMITS = new Set(['text', 'number', 'float', 'password', 'url', 'date', 'time', 'datetime-local']);
/** Attributes `attrs` / update_input may not set: ours to manage, or script hooks. */
const RESERVED = new Set(['id', 'type', 'list', 'form', 'name', 'for', 'is']);

let editorModule = null;
const loadEditor = () => (editorModule ||= import('../editor/editor.js'));

function setAttr(el, key, value) {
  key = String(key);
  if (RESERVED.has(key.toLowerCase()) || /^on/i.test(key) || !/^[A-Za-z_][\w.:-]*$/.test(key)) return;
  if (key === 'class') {
    if (value) el.classList.add(...String(value).split(/\s+/).filter(Boolean));
  } else if (key === 'style') {
    if (value) el.setAttribute('style', `${el.getAttribute('style') || ''};${value}`);
  } else if (value == null || value === false) {
    el.removeAttribute(key);
  } else {
    el.setAttribute(key, value === true ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
}

/** A decimal number as typed: '' -> null; '2,5' reads as 2.5; anything else -> NaN. */
function parseDecimal(text) {
  const s = text.trim();
  if (!s) return null;
  const n = Number(!s.includes('.') && /^[+-]?\d*,\d+$/.test(s) ? s.replace(',', '.') : s);
  return Number.isFinite(n) ? n : NaN;
}

export class Field {
  /**
   * @param item   the item spec
   * @param hooks  see the module comment
   * @param opts   {title: true} draws the label as the form's title (one-field forms)
   */
  constructor(item, hooks = {}, opts = {}) {
    this.item = item;
    this.hooks = hooks;
    this.name = item.name;
    this.type = item.type;
    this.id = uid('in');
    this.pressed = null;    // actions: the index of the last button pressed
    this.readonly = !!item.readonly;
    this.required = !!item.required;
    this.disabled = false;
    this.editor = null;
    const choice = this.type === 'checkbox' || this.type === 'radio';
    this.el = h(choice ? 'fieldset' : 'div', { class: `pwl-field pwl-field-${this.type}`, 'data-name': item.name });
    const labelClass = `pwl-label${opts.title ? ' pwl-label-title' : ''}`;
    if (choice) this.labelEl = h('legend', { class: labelClass });
    else if (this.type === 'actions') this.labelEl = h('div', { class: labelClass, id: `${this.id}-label` });
    else this.labelEl = h('label', { class: labelClass, for: this.id });
    this.help = h('div', { class: 'pwl-help', id: `${this.id}-help` });
    this.feedback = h('div', { class: 'pwl-feedback', id: `${this.id}-fb` });
    this.el.append(this.labelEl);
    this.setLabel(item.label);
    const build = {
      textarea: this.buildTextarea, select: this.buildSelect, checkbox: this.buildChoices, radio: this.buildChoices,
      actions: this.buildActions, slider: this.buildSlider, file: this.buildFile,
    }[this.type] || this.buildInput;
    build.call(this);
    this.el.append(this.help, this.feedback);
    this.setHelp(item.help_text);
    for (const [key, value] of Object.entries(item.attrs || {})) {
      for (const control of this.controls()) setAttr(control, key, value);
    }
    this.setReadonly(this.readonly);
    this.setRequired(this.required);
    this.describe();
    this.initial = this.type === 'file' ? [] : this.value();
  }

  // ------------------------------------------------------------------ building
  buildInput() {
    const type = this.type;
    const input = this.input = h('input', {
      id: this.id, class: 'pwl-input',
      type: type === 'float' ? 'text' : NATIVE_TYPES.has(type) ? type : 'text',
      inputmode: type === 'float' ? 'decimal' : type === 'number' ? 'numeric' : null,
      step: type === 'number' ? '1' : null,
      placeholder: this.item.placeholder,
      autocomplete: type === 'password' ? 'current-password' : null,
    });
    this.set(this.item.value);
    input.addEventListener('input', () => this.edited());
    input.addEventListener('blur', () => this.hooks.blur?.(this));
    if (ENTER_SUBMITS.has(type)) {
      input.addEventListener('keydown', (ev) => {
        if (ev.key !== 'Enter' || ev.isComposing || ev.shiftKey || ev.ctrlKey || ev.altKey || ev.metaKey) return;
        ev.preventDefault();
        this.hooks.enter?.(this);
      });
    }
    let control = input;
    if (this.item.action) {
      const button = h('button', { type: 'button', class: 'pwl-btn pwl-btn-outline pwl-c-secondary pwl-field-action' },
        this.item.action.label);
      button.addEventListener('click', () => sendEvent('callback', this.item.action.callback_id, null));
      this.actionButton = button;
      control = h('div', { class: 'pwl-input-group' }, input, button);
    }
    this.el.append(control);
    if (this.item.datalist) this.setDatalist(this.item.datalist);
  }

  buildTextarea() {
    const area = this.input = h('textarea', {
      id: this.id, class: 'pwl-input pwl-textarea', rows: this.item.rows || 6, placeholder: this.item.placeholder,
      maxlength: this.item.maxlength, minlength: this.item.minlength,
    });
    area.value = this.item.value ?? '';
    area.addEventListener('input', () => this.edited());
    area.addEventListener('blur', () => this.hooks.blur?.(this));
    this.el.append(area);
    if (this.item.code) {
      // The plain textarea works at once; the editor wraps the same element when it has loaded.
      this.el.classList.add('pwl-field-code');
      this.hint = h('div', { class: 'pwl-sr-only', id: `${this.id}-hint` }, t('editorHint'));
      this.el.append(this.hint);
      loadEditor().then((mod) => {
        if (!this.el.isConnected && this.gone) return;
        this.editor = mod.attachEditor(area, this.item.code, { rows: this.item.rows || 6 });
        if (this.readonly) this.editor.setReadOnly(true);
      }, (err) => console.error('pywebio_lite: the code editor failed to load', err));
    }
  }

  buildSelect() {
    const select = this.input = h('select', { id: this.id, class: 'pwl-input pwl-select', multiple: !!this.item.multiple });
    select.addEventListener('change', () => this.edited());
    select.addEventListener('blur', () => this.hooks.blur?.(this));
    this.el.append(select);
    this.setOptions(this.item.options || []);
    // native=False: our searchable combobox over the (hidden) <select>, see combo.js
    if (this.item.native === false && Combo) this.combo = new Combo(select, () => this.hooks.blur?.(this));
  }

  buildChoices() {
    this.list = h('div', { class: `pwl-choices${this.item.inline ? ' pwl-inline' : ''}` });
    this.el.append(this.list);
    this.el.addEventListener('change', (ev) => { if (this.list.contains(ev.target)) this.edited(); });
    this.el.addEventListener('focusout', (ev) => {
      if (!this.el.contains(ev.relatedTarget)) this.hooks.blur?.(this);
    });
    this.setOptions(this.item.options || []);
  }

  buildActions() {
    const box = this.buttonBox = h('div', { class: 'pwl-buttons pwl-actions', role: 'group' });
    this.buttons = [];
    for (const b of this.item.buttons || []) {
      const kind = b.type || 'submit';
      const color = b.color || (kind === 'submit' ? 'primary' : 'secondary');
      const solid = kind === 'submit' || b.color;
      const button = h('button', {
        type: 'button', class: `pwl-btn pwl-btn-${solid ? 'solid' : 'outline'} pwl-c-${color}`,
        disabled: !!b.disabled, 'data-kind': kind,
      }, b.label);
      button.pwlSpec = b;
      button.addEventListener('click', () => this.hooks.press?.(this, b));
      this.buttons.push(button);
      box.append(button);
    }
    this.el.append(box);
  }

  buildSlider() {
    const it = this.item;
    const input = this.input = h('input', {
      id: this.id, class: 'pwl-range', type: 'range', min: it.min_value ?? 0, max: it.max_value ?? 100,
      step: it.step ?? 1,
    });
    this.output = h('output', { class: 'pwl-range-value', for: this.id, 'aria-hidden': 'true' });
    this.set(it.value ?? 0);
    input.addEventListener('input', () => this.showSliderValue());
    input.addEventListener('change', () => this.edited());
    input.addEventListener('blur', () => this.hooks.blur?.(this));
    this.el.append(h('div', { class: 'pwl-slider' }, input, this.output));
  }

  buildFile() {
    const it = this.item;
    const input = this.input = h('input', {
      id: this.id, class: 'pwl-file-input', type: 'file', accept: it.accept, multiple: !!it.multiple,
    });
    this.zoneText = h('span', { class: 'pwl-file-text' });
    this.zoneMeta = h('span', { class: 'pwl-file-meta' });
    this.zone = h('div', { class: 'pwl-file-zone' },
      input, h('span', { class: 'pwl-file-icon', 'aria-hidden': 'true' }), h('span', { class: 'pwl-file-label' }, this.zoneText, this.zoneMeta));
    this.fileList = h('ul', { class: 'pwl-file-list', hidden: true });
    this.progress = h('div', { class: 'pwl-progress pwl-upload-progress', hidden: true },
      h('div', { class: 'pwl-progress-track', role: 'progressbar', 'aria-label': t('uploading'), 'aria-valuemin': '0', 'aria-valuemax': '100' },
        h('div', { class: 'pwl-progress-fill' })),
      h('span', { class: 'pwl-progress-label' }));
    input.addEventListener('change', () => {
      this.edited();
      const error = this.checkFiles();
      if (error) {
        input.value = '';
        this.setValidity(false, error);
      }
      this.showFiles();
    });
    input.addEventListener('blur', () => this.hooks.blur?.(this));
    for (const name of ['dragenter', 'dragover']) {
      this.zone.addEventListener(name, () => this.zone.classList.add('pwl-drag'));
    }
    for (const name of ['dragleave', 'drop']) {
      this.zone.addEventListener(name, () => this.zone.classList.remove('pwl-drag'));
    }
    this.el.append(this.zone, this.fileList, this.progress);
    this.showFiles();
  }

  // ------------------------------------------------------------------ the controls
  /** The native form controls of this field (where attributes, aria and disabled go). */
  controls() {
    if (this.type === 'checkbox' || this.type === 'radio') return [...this.list.querySelectorAll('input')];
    if (this.type === 'actions') return this.buttons;
    return [this.input];
  }

  /** Re-point aria-describedby at the help text, the feedback and the editor hint (those shown). */
  describe() {
    const ids = [];
    if (!this.help.hidden) ids.push(this.help.id);
    if (!this.feedback.hidden) ids.push(this.feedback.id);
    if (this.hint) ids.push(this.hint.id);
    for (const control of this.controls()) {
      if (ids.length) control.setAttribute('aria-describedby', ids.join(' '));
      else control.removeAttribute('aria-describedby');
    }
    if (this.type === 'actions') {
      this.buttonBox.toggleAttribute('aria-labelledby', !this.labelEl.hidden);
      if (!this.labelEl.hidden) this.buttonBox.setAttribute('aria-labelledby', this.labelEl.id);
    }
  }

  focus() {
    let target = this.input;
    if (this.type === 'checkbox' || this.type === 'radio') {
      const inputs = this.controls().filter((i) => !i.disabled);
      target = inputs.find((i) => i.checked) || inputs[0];
    } else if (this.type === 'actions') {
      target = this.buttons.find((b) => !b.disabled);
    } else if (this.combo) {
      target = this.combo.input;
    }
    target?.focus();
  }

  // ------------------------------------------------------------------ values
  value() {
    const input = this.input;
    switch (this.type) {
      case 'number': {
        const s = input.value.trim();
        return s === '' ? null : Number(s);
      }
      case 'float': {
        const n = parseDecimal(input.value);
        return Number.isNaN(n) ? input.value : n;  // the server refuses a non-number with a message
      }
      case 'select':
        if (input.multiple) return [...input.selectedOptions].map((o) => Number(o.value));
        return input.selectedIndex < 0 ? null : Number(input.value);
      case 'checkbox':
        return this.controls().filter((i) => i.checked).map((i) => Number(i.value));
      case 'radio': {
        const on = this.controls().find((i) => i.checked);
        return on ? Number(on.value) : null;
      }
      case 'actions':
        return this.pressed;
      case 'slider':
        return Number(input.value);
      case 'file':
        return [...input.files];
      default:
        return input.value;
    }
  }

  /** Set the value (protocol shape: option indices...). Never calls the hooks. */
  set(value) {
    const input = this.input;
    switch (this.type) {
      case 'select':
        if (input.multiple) {
          const want = new Set([].concat(value ?? []).map(Number));
          for (const o of input.options) o.selected = want.has(Number(o.value));
        } else if (value == null) {
          input.selectedIndex = -1;
        } else {
          input.value = String(value);
        }
        this.combo?.sync();
        break;
      case 'checkbox': {
        const want = new Set([].concat(value ?? []).map(Number));
        for (const i of this.controls()) i.checked = want.has(Number(i.value));
        break;
      }
      case 'radio':
        for (const i of this.controls()) i.checked = value != null && Number(i.value) === Number(value);
        break;
      case 'actions':
        this.pressed = value ?? null;
        break;
      case 'slider':
        input.value = String(value ?? 0);
        this.showSliderValue();
        break;
      case 'file':
        if (value == null || (Array.isArray(value) && !value.length)) {
          input.value = '';
          this.showFiles();
        }
        break;
      default:
        input.value = value == null ? '' : String(value);
        this.editor?.refresh();
    }
  }

  /** Is the value empty (for `required`)? */
  isEmpty() {
    const v = this.value();
    return v == null || v === '' || (Array.isArray(v) && !v.length);
  }

  /** A message if the value cannot be sent as it is (checked before a submit), else null. */
  check() {
    const input = this.input;
    if (this.type === 'number') {
      if (input.validity.badInput) return t('number');
      const v = this.value();
      if (v !== null && !Number.isInteger(v)) return Number.isFinite(v) ? t('integer') : t('number');
    } else if (this.type === 'float') {
      if (Number.isNaN(parseDecimal(input.value))) return t('number');
    } else if (this.type === 'file') {
      const error = this.checkFiles();
      if (error) return error;
    }
    if (this.required && this.type !== 'actions' && this.isEmpty()) return t('required');
    return this.type === 'file' || this.type === 'actions' ? null : this.checkSize();
  }

  /** The server takes text messages up to a limit (page config): a longer value is refused here. */
  checkSize() {
    const limit = eventDataLimit();
    if (limit === Infinity) return null;
    const size = jsonBytes(this.value());
    return size > limit ? t('tooLong', { size: formatSize(size), limit: formatSize(limit) }) : null;
  }

  /** max_size / max_total_size (bytes; 0 = the server's limit, checked there). */
  checkFiles() {
    const files = [...this.input.files];
    const max = this.item.max_size || 0;
    const maxTotal = this.item.max_total_size || 0;
    for (const f of files) {
      if (max && f.size > max) return t('tooBig', { size: formatSize(f.size), limit: formatSize(max) });
    }
    const total = files.reduce((sum, f) => sum + f.size, 0);
    if (maxTotal && total > maxTotal) return t('tooBigTotal', { size: formatSize(total), limit: formatSize(maxTotal) });
    return null;
  }

  reset() {
    this.set(this.initial);
    if (this.type === 'file') this.set([]);
    this.setValidity(0);
  }

  /** The user changed the value: an old error no longer applies. */
  edited() {
    if (this.el.classList.contains('pwl-invalid') || this.el.classList.contains('pwl-valid')) this.setValidity(0);
    this.hooks.edit?.(this);
  }

  // ------------------------------------------------------------------ display
  setLabel(text) {
    this.labelEl.textContent = text ?? '';
    this.labelEl.hidden = !text;
  }

  setHelp(text) {
    this.help.textContent = text ?? '';
    this.help.hidden = !text;
    this.describe();
  }

  /** valid_status: false shows `message` as an error, true a quiet valid state, 0/null clears. */
  setValidity(status, message) {
    const invalid = status === false;
    const valid = status === true;
    this.el.classList.toggle('pwl-invalid', invalid);
    this.el.classList.toggle('pwl-valid', valid);
    for (const control of this.controls()) {
      if (invalid) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    }
    this.feedback.textContent = (invalid || valid) && message ? String(message) : '';
    this.feedback.hidden = !this.feedback.textContent;
    this.describe();
  }

  showSliderValue() {
    this.output.textContent = this.input.value;
  }

  showFiles() {
    const files = [...this.input.files];
    const multiple = !!this.item.multiple;
    const placeholder = this.item.placeholder && this.item.placeholder !== 'Choose file'
      ? this.item.placeholder : t(multiple ? 'chooseFiles' : 'chooseFile');
    this.zone.classList.toggle('pwl-has-files', files.length > 0);
    if (!files.length) {
      this.zoneText.textContent = placeholder;
      this.zoneMeta.textContent = t('dropHint');
    } else {
      const total = files.reduce((sum, f) => sum + f.size, 0);
      this.zoneText.textContent = files.length === 1 ? files[0].name : t('files', { n: files.length });
      this.zoneMeta.textContent = formatSize(total);
    }
    this.fileList.replaceChildren(...(files.length > 1
      ? files.map((f) => h('li', null, h('span', { class: 'pwl-file-name' }, f.name), h('span', { class: 'pwl-file-size' }, formatSize(f.size))))
      : []));
    this.fileList.hidden = files.length < 2;
  }

  /** Upload progress of a file field: a fraction 0..1, or null to hide the bar. */
  setProgress(fraction) {
    if (!this.progress) return;
    this.progress.hidden = fraction == null;
    if (fraction == null) return;
    const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
    this.progress.querySelector('.pwl-progress-fill').style.width = `${pct}%`;
    this.progress.querySelector('.pwl-progress-track').setAttribute('aria-valuenow', pct);
    this.progress.querySelector('.pwl-progress-label').textContent = `${pct}%`;
  }

  // ------------------------------------------------------------------ settings
  setOptions(options) {
    if (this.type === 'select') {
      const select = this.input;
      select.replaceChildren(...options.map((o) => h('option', { value: o.value, disabled: !!o.disabled }, o.label)));
      if (select.multiple) {
        select.size = Math.min(Math.max(options.length, 2), 8);
        options.forEach((o, i) => { select.options[i].selected = !!o.selected; });
      } else {
        const chosen = options.findIndex((o) => o.selected);
        select.selectedIndex = chosen >= 0 ? chosen : options.findIndex((o) => !o.disabled);
      }
      this.combo?.sync();
    } else if (this.type === 'checkbox' || this.type === 'radio') {
      const group = `${this.id}-choice`;
      this.list.replaceChildren(...options.map((o, i) => {
        const id = `${this.id}-${i}`;
        const input = h('input', {
          id, type: this.type, class: 'pwl-check-input', name: this.type === 'radio' ? group : null, value: o.value,
          disabled: !!o.disabled, 'data-disabled': o.disabled ? '' : null,
        });
        input.checked = !!o.selected;
        return h('div', { class: 'pwl-check' }, input, h('label', { class: 'pwl-check-label', for: id }, o.label));
      }));
      for (const [key, value] of Object.entries(this.item.attrs || {})) {
        for (const control of this.controls()) setAttr(control, key, value);
      }
      this.setReadonly(this.readonly);
      this.setRequired(this.required);
      this.describe();
    }
  }

  setDatalist(values) {
    this.datalist?.remove();
    if (!values?.length) {
      this.input.removeAttribute('list');
      this.datalist = null;
      return;
    }
    this.datalist = h('datalist', { id: `${this.id}-list` }, ...values.map((v) => h('option', { value: v })));
    this.input.setAttribute('list', this.datalist.id);
    this.el.append(this.datalist);
  }

  /** Read-only text keeps its focus and selection; choices, sliders and files are disabled. */
  setReadonly(on) {
    this.readonly = !!on;
    if (this.type === 'actions') return;
    if (['textarea', 'text', 'number', 'float', 'password', 'url', 'date', 'time', 'datetime-local'].includes(this.type)) {
      this.input.readOnly = this.readonly;
      this.editor?.setReadOnly(this.readonly);
    } else {
      this.applyDisabled();
      for (const control of this.controls()) control.toggleAttribute('aria-readonly', this.readonly);
    }
    this.el.classList.toggle('pwl-readonly', this.readonly);
  }

  setRequired(on) {
    this.required = !!on;
    if (this.type === 'actions' || this.type === 'checkbox') {
      if (this.type === 'checkbox') this.el.toggleAttribute('aria-required', this.required);
      return;
    }
    for (const control of this.controls()) control.required = this.required;
  }

  /** Disable every control (an expired pin, a form busy uploading). */
  setDisabled(on) {
    this.disabled = !!on;
    this.applyDisabled();
    if (this.actionButton) this.actionButton.disabled = this.disabled;
    this.editor?.setDisabled?.(this.disabled);
  }

  applyDisabled() {
    const lockValue = this.readonly && !['textarea', 'text', 'number', 'float', 'password', 'url', 'date', 'time', 'datetime-local'].includes(this.type);
    for (const control of this.controls()) {
      const own = this.type === 'actions' ? !!control.pwlSpec?.disabled : control.hasAttribute('data-disabled');
      control.disabled = this.disabled || lockValue || own;
    }
    this.zone?.classList.toggle('pwl-disabled', this.disabled || lockValue);
  }

  /** update_input / pin_update attributes (docs/input-protocol.md §1). */
  update(attrs) {
    if ('options' in attrs) {
      this.item.options = attrs.options;
      this.setOptions(attrs.options || []);
    }
    for (const [key, value] of Object.entries(attrs)) {
      switch (key) {
        case 'options': case 'valid_status': case 'invalid_feedback': case 'valid_feedback':
          break;
        case 'value': this.set(value); break;
        case 'label': this.setLabel(value); break;
        case 'help_text': this.setHelp(value); break;
        case 'readonly': this.setReadonly(value); break;
        case 'required': this.setRequired(value); break;
        case 'datalist': if (this.input?.tagName === 'INPUT') this.setDatalist(value); break;
        case 'placeholder':
          this.item.placeholder = value;
          if (this.type === 'file') this.showFiles();
          else if (this.input) setAttr(this.input, 'placeholder', value);
          break;
        case 'min_value': case 'max_value':
          if (this.type === 'slider') {
            setAttr(this.input, key === 'min_value' ? 'min' : 'max', value);
            this.showSliderValue();
          }
          break;
        default:
          for (const control of this.controls()) setAttr(control, key, value);
          if (this.type === 'slider') this.showSliderValue();
      }
    }
    if ('valid_status' in attrs) {
      const status = attrs.valid_status;
      this.setValidity(status, status === false ? attrs.invalid_feedback : attrs.valid_feedback);
    }
  }

  /** The field leaves the page for good. */
  dispose() {
    this.gone = true;
  }
}

export { formatSize };
