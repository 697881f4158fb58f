/**
 * A small `$` of our own for app scripts written for PyWebIO's page, which has jQuery: the
 * subset such scripts use (docs/jquery-subset.md). It is not jQuery and holds none of its code.
 * Loaded only when a run_js script (or the app's js_code) mentions `$` or `jQuery`; importing
 * it sets window.$ and window.jQuery unless the page already has them.
 *
 *   $(selector[, context])  CSS selectors plus jQuery's :contains(text)
 *   $(element | list)  $(html)  $(function)
 *   .css .html .text .attr .removeAttr .prop .val .data .on .off .trigger .click .find .parent
 *   .children .closest .each .eq .first .last .get .addClass .removeClass .toggleClass .hasClass
 *   .show .hide .toggle .append .prepend .remove .empty .is .filter  and $.each, $.fn
 */

const CONTAINS = /:contains\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)]*?))\s*\)/g;
let markCount = 0;

/** querySelectorAll with :contains(text) (elements whose text includes `text`). */
function query(selector, root) {
  if (!selector.includes(':contains(')) return [...root.querySelectorAll(selector)];
  const marks = [];
  const native = selector.replace(CONTAINS, (all, dq, sq, bare) => {
    const text = (dq ?? sq ?? bare ?? '').replace(/\\(.)/g, '$1');
    const attr = `data-pwl-contains-${++markCount}`;
    marks.push(attr);
    for (const el of document.querySelectorAll('*')) {
      if (el.textContent.includes(text)) el.setAttribute(attr, '');
    }
    return `[${attr}]`;
  });
  try {
    return [...root.querySelectorAll(native)];
  } finally {
    for (const attr of marks) {
      for (const el of document.querySelectorAll(`[${attr}]`)) el.removeAttribute(attr);
    }
  }
}

function matches(el, selector) {
  if (el.nodeType !== 1) return false;
  if (!selector.includes(':contains(')) return el.matches(selector);
  return query(selector, document).includes(el);
}

/** Elements made from an HTML string ("<div>...</div>"). */
function parseHTML(html) {
  const tpl = document.createElement('template');
  tpl.innerHTML = html.trim();
  return [...tpl.content.childNodes];
}

const UNITLESS = new Set(['opacity', 'z-index', 'font-weight', 'line-height', 'zoom', 'flex', 'flex-grow',
  'flex-shrink', 'order', 'orphans', 'widows', 'column-count', 'fill-opacity', 'stroke-opacity']);
const kebab = (name) => (name.startsWith('--') ? name : name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));

function cssValue(name, value) {
  return typeof value === 'number' && !UNITLESS.has(name) ? `${value}px` : String(value);
}

// data(): values set with .data(key, value), per element; otherwise read from data-* attributes.
const dataStore = new WeakMap();
// on()/off(): the listeners added, per element: [{type, ns, selector, handler, listener}]
const listenerStore = new WeakMap();
// the display an element had before .hide()
const displayStore = new WeakMap();

function readData(el, key) {
  const own = dataStore.get(el);
  if (own && key in own) return own[key];
  const raw = el.getAttribute(`data-${kebab(key)}`);
  if (raw === null) return undefined;
  try { return JSON.parse(raw); } catch { return raw; }
}

/** The nodes `content` stands for (a string of HTML, an element, a $ set, a list). */
function nodesOf(content, clone) {
  if (content == null) return [];
  if (typeof content === 'string') return parseHTML(content);
  if (content instanceof Node) return [clone ? content.cloneNode(true) : content];
  return [...content].map((n) => (clone ? n.cloneNode(true) : n));
}

class Dollar {
  constructor(elements) {
    const list = [...new Set(elements)].filter(Boolean);
    list.forEach((el, i) => { this[i] = el; });
    this.length = list.length;
  }

  *[Symbol.iterator]() { for (let i = 0; i < this.length; i++) yield this[i]; }

  toArray() { return [...this]; }

  get(index) { return index === undefined ? this.toArray() : this[index < 0 ? this.length + index : index]; }

  each(fn) {
    for (let i = 0; i < this.length; i++) if (fn.call(this[i], i, this[i]) === false) break;
    return this;
  }

  eq(index) { return new Dollar([this.get(index)]); }

  first() { return this.eq(0); }

  last() { return this.eq(-1); }

  find(selector) { return new Dollar(this.toArray().flatMap((el) => query(selector, el))); }

  filter(test) {
    const keep = typeof test === 'function' ? (el, i) => test.call(el, i, el) : (el) => matches(el, test);
    return new Dollar(this.toArray().filter(keep));
  }

  is(selector) { return this.toArray().some((el) => matches(el, selector)); }

  parent(selector) {
    const parents = this.toArray().map((el) => el.parentElement);
    return new Dollar(selector ? parents.filter((p) => p && matches(p, selector)) : parents);
  }

  children(selector) {
    const kids = this.toArray().flatMap((el) => [...el.children]);
    return new Dollar(selector ? kids.filter((k) => matches(k, selector)) : kids);
  }

  closest(selector) {
    return new Dollar(this.toArray().map((el) => {
      for (let node = el; node; node = node.parentElement) if (matches(node, selector)) return node;
      return null;
    }));
  }

  // ------------------------------------------------------------------ content
  html(value) {
    if (value === undefined) return this[0]?.innerHTML;
    return this.each((i, el) => { el.innerHTML = typeof value === 'function' ? value.call(el, i, el.innerHTML) : value; });
  }

  text(value) {
    if (value === undefined) return this.toArray().map((el) => el.textContent).join('');
    return this.each((i, el) => { el.textContent = typeof value === 'function' ? value.call(el, i, el.textContent) : value; });
  }

  val(value) {
    if (value === undefined) {
      const el = this[0];
      if (!el) return undefined;
      if (el.tagName === 'SELECT' && el.multiple) return [...el.selectedOptions].map((o) => o.value);
      return el.value;
    }
    return this.each((i, el) => {
      if (el.tagName === 'SELECT' && Array.isArray(value)) {
        for (const o of el.options) o.selected = value.map(String).includes(o.value);
      } else if (el.type === 'checkbox' || el.type === 'radio') {
        if (Array.isArray(value)) el.checked = value.map(String).includes(el.value);
        else el.value = value;
      } else {
        el.value = value;
      }
    });
  }

  attr(name, value) {
    if (typeof name === 'object') {
      for (const [k, v] of Object.entries(name)) this.attr(k, v);
      return this;
    }
    if (value === undefined) return this[0]?.getAttribute(name) ?? undefined;
    return this.each((i, el) => {
      if (value === null) el.removeAttribute(name);
      else el.setAttribute(name, typeof value === 'function' ? value.call(el, i, el.getAttribute(name)) : value);
    });
  }

  removeAttr(name) { return this.each((i, el) => { el.removeAttribute(name); }); }

  prop(name, value) {
    if (value === undefined) return this[0]?.[name];
    return this.each((i, el) => { el[name] = value; });
  }

  data(key, value) {
    const el = this[0];
    if (key === undefined) {
      if (!el) return undefined;
      const all = {};
      for (const name of Object.keys(el.dataset)) all[name] = readData(el, name);
      return Object.assign(all, dataStore.get(el));
    }
    if (typeof key === 'object') {
      for (const [k, v] of Object.entries(key)) this.data(k, v);
      return this;
    }
    if (value === undefined) return el ? readData(el, key) : undefined;
    return this.each((i, node) => {
      const own = dataStore.get(node) || {};
      own[key] = value;
      dataStore.set(node, own);
    });
  }

  // ------------------------------------------------------------------ style and classes
  css(name, value) {
    if (typeof name === 'object' && !Array.isArray(name)) {
      for (const [k, v] of Object.entries(name)) this.css(k, v);
      return this;
    }
    if (Array.isArray(name)) {
      const el = this[0];
      const out = {};
      for (const n of name) out[n] = el ? getComputedStyle(el).getPropertyValue(kebab(n)) : undefined;
      return out;
    }
    const prop = kebab(name);
    if (value === undefined) return this[0] ? getComputedStyle(this[0]).getPropertyValue(prop) : undefined;
    return this.each((i, el) => {
      const v = typeof value === 'function' ? value.call(el, i, getComputedStyle(el).getPropertyValue(prop)) : value;
      if (v === '' || v === null) el.style.removeProperty(prop);
      else {
        const text = cssValue(prop, v);
        const important = /\s*!important\s*$/i.test(text);
        el.style.setProperty(prop, text.replace(/\s*!important\s*$/i, ''), important ? 'important' : '');
      }
    });
  }

  addClass(names) { return this.#classes(names, (el, n) => el.classList.add(n)); }

  removeClass(names) {
    if (names === undefined) return this.each((i, el) => { el.className = ''; });
    return this.#classes(names, (el, n) => el.classList.remove(n));
  }

  toggleClass(names, state) {
    return this.#classes(names, (el, n) => (state === undefined ? el.classList.toggle(n) : el.classList.toggle(n, !!state)));
  }

  hasClass(name) { return this.toArray().some((el) => el.classList.contains(name)); }

  #classes(names, fn) {
    return this.each((i, el) => {
      const list = typeof names === 'function' ? names.call(el, i, el.className) : names;
      for (const n of String(list ?? '').split(/\s+/).filter(Boolean)) fn(el, n);
    });
  }

  show() {
    return this.each((i, el) => {
      el.style.display = displayStore.get(el) ?? '';
      if (getComputedStyle(el).display === 'none') el.style.display = 'block';
    });
  }

  hide() {
    return this.each((i, el) => {
      const current = el.style.display;
      if (current !== 'none') displayStore.set(el, current);
      el.style.display = 'none';
    });
  }

  toggle(state) {
    return this.each((i, el) => {
      const show = state === undefined ? getComputedStyle(el).display === 'none' : !!state;
      new Dollar([el])[show ? 'show' : 'hide']();
    });
  }

  // ------------------------------------------------------------------ tree
  append(...contents) {
    return this.each((i, el) => {
      for (const c of contents) el.append(...nodesOf(c, i < this.length - 1));
    });
  }

  prepend(...contents) {
    return this.each((i, el) => {
      for (const c of [...contents].reverse()) el.prepend(...nodesOf(c, i < this.length - 1));
    });
  }

  remove(selector) {
    return this.each((i, el) => { if (!selector || matches(el, selector)) el.remove(); });
  }

  empty() { return this.each((i, el) => { el.replaceChildren(); }); }

  // ------------------------------------------------------------------ events
  on(events, selector, handler) {
    if (typeof selector === 'function') [selector, handler] = [null, selector];
    if (typeof events === 'object') {
      for (const [type, fn] of Object.entries(events)) this.on(type, selector, fn);
      return this;
    }
    if (typeof handler !== 'function') return this;
    return this.each((i, el) => {
      for (const name of String(events).split(/\s+/).filter(Boolean)) {
        const [type, ...ns] = name.split('.');
        const listener = (ev) => {
          let target = el;
          if (selector) {
            target = ev.target instanceof Element ? ev.target.closest(selector) : null;
            if (!target || !el.contains(target)) return;
          }
          const result = handler.call(target, ev, ...(ev.detail?.pwlArgs ?? []));
          if (result === false) {
            ev.preventDefault();
            ev.stopPropagation();
          }
        };
        el.addEventListener(type, listener);
        const list = listenerStore.get(el) || [];
        list.push({ type, ns, selector, handler, listener });
        listenerStore.set(el, list);
      }
    });
  }

  off(events, selector, handler) {
    if (typeof selector === 'function') [selector, handler] = [null, selector];
    const wanted = events ? String(events).split(/\s+/).filter(Boolean).map((n) => n.split('.')) : [[]];
    return this.each((i, el) => {
      const list = listenerStore.get(el) || [];
      const keep = list.filter((entry) => {
        const hit = wanted.some(([type, ...ns]) => (!type || type === entry.type)
          && ns.every((n) => entry.ns.includes(n))
          && (!selector || selector === entry.selector)
          && (!handler || handler === entry.handler));
        if (hit) el.removeEventListener(entry.type, entry.listener);
        return !hit;
      });
      listenerStore.set(el, keep);
    });
  }

  trigger(type, args) {
    return this.each((i, el) => {
      if (type === 'click' && typeof el.click === 'function') el.click();
      else if (type === 'focus' || type === 'blur') el[type]();
      else el.dispatchEvent(new CustomEvent(type, { bubbles: true, cancelable: true, detail: { pwlArgs: [].concat(args ?? []) } }));
    });
  }

  click(handler) { return handler ? this.on('click', handler) : this.trigger('click'); }
}

/** $(selector[, context]), $(element), $(list), $(html), $(function). */
export function $(input, context) {
  if (input == null || input === '') return new Dollar([]);
  if (input instanceof Dollar) return input;
  if (typeof input === 'function') {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => input($));
    else queueMicrotask(() => input($));
    return new Dollar([document]);
  }
  if (typeof input === 'string') {
    const text = input.trim();
    if (text.startsWith('<')) return new Dollar(parseHTML(text).filter((n) => n.nodeType === 1));
    const roots = context ? $(context).toArray() : [document];
    return new Dollar(roots.flatMap((root) => query(text, root)));
  }
  if (input instanceof Node || input === window) return new Dollar([input]);
  if (typeof input.length === 'number') return new Dollar([...input]);
  return new Dollar([input]);
}

$.fn = Dollar.prototype;
$.each = (items, fn) => {
  if (Array.isArray(items) || typeof items?.length === 'number') {
    for (let i = 0; i < items.length; i++) if (fn.call(items[i], i, items[i]) === false) break;
  } else {
    for (const [k, v] of Object.entries(items ?? {})) if (fn.call(v, k, v) === false) break;
  }
  return items;
};
$.pywebio_lite = true;

if (!('$' in window)) window.$ = $;
if (!('jQuery' in window)) window.jQuery = $;
