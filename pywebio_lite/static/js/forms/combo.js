/**
 * select(native=False): a searchable select of our own, on the WAI-ARIA combobox pattern (an
 * editable combobox that controls a listbox popup).
 *
 * The field's real <select> stays the holder of the value (hidden from people and from the
 * accessibility tree): value(), set() and update_input keep working on it, and `sync()` redraws
 * the combobox from it. What the user picks is written to the <select>, which then fires its
 * own `change`. Its aria-describedby / aria-invalid / required / disabled are mirrored onto the
 * text box, which takes the <select>'s id, so the field's <label for> names the combobox.
 *
 * Typing filters the options (case- and accent-insensitive, anywhere in the label). Keys: Down /
 * Up move through the shown options (Alt+Down opens), Home / End, Enter picks, Esc closes (a
 * second Esc clears the filter). With `multiple`, picks toggle and the chosen options show as
 * chips before the text box, each with a remove button; Backspace in the empty box removes the
 * last chip.
 */
import { h, uid, loadStylesheet } from '../dom.js';
import { t } from './i18n.js';

await loadStylesheet(new URL('../../css/combo.css', import.meta.url).href);

const fold = (text) => String(text).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const MIRRORED = ['aria-describedby', 'aria-invalid', 'aria-readonly', 'required', 'placeholder'];

export class Combo {
  /** `select`: the field's <select>; `onBlur()`: focus left the combobox. */
  constructor(select, onBlur) {
    this.select = select;
    this.multiple = select.multiple;
    this.open = false;
    this.active = -1;     // index into this.shown
    this.shown = [];      // the option indices listed now
    const id = select.id;
    select.id = `${id}-native`;
    select.hidden = true;
    select.tabIndex = -1;
    select.setAttribute('aria-hidden', 'true');
    const listId = uid('listbox');
    this.input = h('input', {
      id, type: 'text', class: 'pwl-combo-input', role: 'combobox', autocomplete: 'off', spellcheck: 'false',
      'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId,
    });
    this.chips = h('ul', { class: 'pwl-chips', hidden: true });
    this.list = h('ul', { id: listId, class: 'pwl-combo-list', role: 'listbox', hidden: true, tabindex: '-1' });
    if (this.multiple) this.list.setAttribute('aria-multiselectable', 'true');
    this.empty = h('li', { class: 'pwl-combo-empty', role: 'presentation' }, t('noMatches'));
    this.status = h('div', { class: 'pwl-sr-only', 'aria-live': 'polite' });
    const arrow = h('span', { class: 'pwl-combo-arrow', 'aria-hidden': 'true' });
    this.box = h('div', { class: 'pwl-input pwl-combo-box' }, this.chips, this.input, arrow);
    this.el = h('div', { class: `pwl-combo${this.multiple ? ' pwl-combo-multiple' : ''}` }, this.box, this.list, this.status);
    select.after(this.el);

    this.input.addEventListener('input', () => { this.show(true); this.filter(); });
    // typing into a single select replaces the shown choice rather than adding to it
    this.input.addEventListener('focus', () => { if (!this.multiple) this.input.select(); });
    this.input.addEventListener('keydown', (ev) => this.onKey(ev));
    this.input.addEventListener('click', () => this.show(!this.open || this.multiple));
    this.box.addEventListener('mousedown', (ev) => {
      if (ev.target === this.box || ev.target === arrow) {
        ev.preventDefault();
        this.input.focus();
        this.show(!this.open);
      }
    });
    this.list.addEventListener('mousedown', (ev) => ev.preventDefault());  // keep focus in the box
    this.list.addEventListener('click', (ev) => {
      const li = ev.target.closest('[role="option"]');
      if (li && li.getAttribute('aria-disabled') !== 'true') this.pick(Number(li.dataset.index));
    });
    this.el.addEventListener('focusout', (ev) => {
      if (this.el.contains(ev.relatedTarget)) return;
      this.show(false);
      this.input.value = this.multiple ? '' : this.selectedLabel();
      onBlur();
    });
    this.mirror = new MutationObserver(() => this.syncState());
    this.mirror.observe(select, { attributes: true, attributeFilter: [...MIRRORED, 'disabled'] });
    this.sync();
  }

  options() { return [...this.select.options]; }

  selectedLabel() {
    const o = this.select.selectedOptions[0];
    return o ? o.textContent : '';
  }

  /** Redraw from the <select> (its options or value were changed by code). */
  sync() {
    const options = this.options();
    this.list.replaceChildren(...options.map((o, i) => h('li', {
      id: `${this.list.id}-${i}`, role: 'option', class: 'pwl-combo-option', 'data-index': i,
      'aria-selected': o.selected ? 'true' : 'false', 'aria-disabled': o.disabled ? 'true' : null,
    }, o.textContent)), this.empty);
    if (this.multiple) {
      this.chips.replaceChildren(...options.filter((o) => o.selected).map((o) => {
        const label = o.textContent;
        const remove = h('button', { type: 'button', class: 'pwl-chip-remove', 'aria-label': t('removeItem', { label }), tabindex: '-1' });
        remove.addEventListener('mousedown', (ev) => ev.preventDefault());
        remove.addEventListener('click', () => { this.pick(o.index, false); this.input.focus(); });
        return h('li', { class: 'pwl-chip' }, h('span', { class: 'pwl-chip-label' }, label), remove);
      }));
      this.chips.hidden = !this.chips.children.length;
    } else if (document.activeElement !== this.input || !this.open) {
      this.input.value = this.selectedLabel();
    }
    this.syncState();
    this.filter();
  }

  /** Mirror the <select>'s state attributes onto the text box. */
  syncState() {
    for (const name of MIRRORED) {
      const value = this.select.getAttribute(name);
      if (value === null) this.input.removeAttribute(name);
      else this.input.setAttribute(name, value);
    }
    const off = this.select.disabled;
    this.input.disabled = off;
    this.el.classList.toggle('pwl-combo-disabled', off);
    for (const b of this.chips.querySelectorAll('button')) b.disabled = off;
    if (off) this.show(false);
  }

  /** Show the options whose label holds the typed text. */
  filter() {
    const typed = this.multiple || this.input.value !== this.selectedLabel() ? fold(this.input.value.trim()) : '';
    this.shown = [];
    for (const li of this.list.querySelectorAll('[role="option"]')) {
      const hit = !typed || fold(li.textContent).includes(typed);
      li.hidden = !hit;
      if (hit) this.shown.push(Number(li.dataset.index));
    }
    this.empty.hidden = this.shown.length > 0;
    const selected = this.shown.findIndex((i) => this.select.options[i].selected);
    this.setActive(typed ? this.firstEnabled(0, 1) : (selected >= 0 ? selected : this.firstEnabled(0, 1)));
    if (this.open) this.status.textContent = this.shown.length ? '' : t('noMatches');
  }

  firstEnabled(from, step) {
    for (let k = from; k >= 0 && k < this.shown.length; k += step) {
      if (!this.select.options[this.shown[k]].disabled) return k;
    }
    return -1;
  }

  setActive(k) {
    this.list.querySelector('.pwl-active')?.classList.remove('pwl-active');
    this.active = k;
    const li = k >= 0 ? this.list.children[this.shown[k]] : null;
    if (li && this.open) {
      li.classList.add('pwl-active');
      this.input.setAttribute('aria-activedescendant', li.id);
      li.scrollIntoView({ block: 'nearest' });
    } else {
      this.input.removeAttribute('aria-activedescendant');
    }
  }

  show(on) {
    if (on && this.select.disabled) on = false;
    if (on === this.open) return;
    this.open = on;
    this.list.hidden = !on;
    this.input.setAttribute('aria-expanded', String(on));
    this.el.classList.toggle('pwl-combo-open', on);
    if (on) this.filter();
    else this.setActive(-1);
  }

  /** Choose option `index` (toggle it with multiple; `state` forces on/off). */
  pick(index, state) {
    const option = this.select.options[index];
    if (!option || option.disabled || this.select.disabled) return;
    if (this.multiple) {
      option.selected = state ?? !option.selected;
      this.input.value = '';
    } else {
      option.selected = true;
      this.input.value = option.textContent;
      this.show(false);
    }
    this.select.dispatchEvent(new Event('change', { bubbles: true }));
    this.sync();
  }

  onKey(ev) {
    if (ev.isComposing) return;
    const move = (k) => { ev.preventDefault(); if (!this.open) this.show(true); else if (k >= 0) this.setActive(k); };
    switch (ev.key) {
      case 'ArrowDown':
        if (ev.altKey) { ev.preventDefault(); this.show(true); return; }
        move(this.firstEnabled(this.active + 1, 1));
        break;
      case 'ArrowUp':
        move(this.firstEnabled(this.active < 0 ? this.shown.length - 1 : this.active - 1, -1));
        break;
      case 'Home':
      case 'End':
        if (!this.open) return;
        move(ev.key === 'Home' ? this.firstEnabled(0, 1) : this.firstEnabled(this.shown.length - 1, -1));
        break;
      case 'Enter':
        ev.preventDefault();  // never the form's implicit submit
        if (this.open && this.active >= 0) this.pick(this.shown[this.active]);
        else this.show(true);
        break;
      case 'Escape':
        if (this.open) {
          ev.preventDefault();
          ev.stopPropagation();
          this.show(false);
          this.input.value = this.multiple ? '' : this.selectedLabel();
        } else if (this.input.value) {
          ev.preventDefault();
          this.input.value = '';
        }
        break;
      case 'Backspace':
        if (this.multiple && !this.input.value) {
          const last = [...this.select.selectedOptions].pop();
          if (last) { ev.preventDefault(); this.pick(last.index, false); }
        }
        break;
      default:
    }
  }
}
