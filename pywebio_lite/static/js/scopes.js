/**
 * Scopes: finding them, inserting output at a position (docs/protocol.md §4), and the
 * output_ctl command (§5).
 *
 * A scope is the element #pywebio-scope-NAME; its output items are its element children.
 * Appends to the same scope in a row are collected in a DocumentFragment and inserted in one
 * go (`flushPending`), so a frame of thousands of outputs costs one DOM insertion.
 */
import { h } from './dom.js';

export const SCOPE_PREFIX = 'pywebio-scope-';

let pendingName = null;
let pendingParent = null;
let pendingFrag = null;

/** A new, empty scope element. */
export const scopeElement = (name) => h('div', { id: SCOPE_PREFIX + name, class: 'pwl-scope' });

/** Insert everything collected for the pending scope. */
export function flushPending() {
  if (!pendingFrag) return;
  pendingParent.append(pendingFrag);
  pendingName = pendingParent = pendingFrag = null;
}

/** An element by id, looking into the pending fragment too (a scope made earlier in the frame). */
export function findById(id) {
  let el = document.getElementById(id);
  if (!el && pendingFrag) {
    flushPending();
    el = document.getElementById(id);
  }
  return el;
}

export const findScope = (name) => findById(SCOPE_PREFIX + name);

/**
 * Insert `node` among the children of `parent`:
 * p >= 0 before the p-th child (append if there are fewer); p < 0 after the child at
 * len + p (prepend if that is before the first).
 */
export function insertAt(parent, node, position) {
  const kids = parent.children;
  if (position >= 0) {
    parent.insertBefore(node, kids[position] || null);
  } else {
    const i = kids.length + position;
    if (i < 0) parent.prepend(node);
    else kids[i].after(node);
  }
}

/** Put a new output element into scope `name` at `position` (-1: the end). */
export function place(name, el, position) {
  if (position === -1 && pendingName === name) {
    pendingFrag.append(el);
    return;
  }
  const parent = findScope(name);
  if (!parent) {
    console.warn(`pywebio_lite: no scope named ${name}; output dropped`);
    return;
  }
  flushPending();
  if (position === -1) {
    pendingName = name;
    pendingParent = parent;
    pendingFrag = document.createDocumentFragment();
    pendingFrag.append(el);
  } else {
    insertAt(parent, el, position);
  }
}

/* use_scope(clear=True) sends if_exist="blank": the scope keeps its height until `loose`,
   so the page below it does not jump while it is refilled. */
function keepHeight(el) {
  if (el.dataset.pwlKeep == null) el.dataset.pwlKeep = el.style.minHeight;
  el.style.minHeight = `${el.offsetHeight}px`;
}

function releaseHeight(el) {
  if (el.dataset.pwlKeep == null) return;
  el.style.minHeight = el.dataset.pwlKeep;
  delete el.dataset.pwlKeep;
}

const BLOCK = { top: 'start', middle: 'center', bottom: 'end' };

/** The output_ctl command. */
export function outputCtl(spec) {
  flushPending();
  if ('set_scope' in spec) {
    const existing = findScope(spec.set_scope);
    if (existing) {
      if (spec.if_exist === 'remove') existing.remove();
      else {
        if (spec.if_exist === 'blank') keepHeight(existing);
        if (spec.if_exist === 'clear' || spec.if_exist === 'blank') existing.replaceChildren();
        return;
      }
    }
    const parent = findScope(spec.container);
    if (parent) insertAt(parent, scopeElement(spec.set_scope), spec.position ?? -1);
    return;
  }
  const name = spec.loose ?? spec.clear ?? spec.remove ?? spec.scroll_to;
  const el = findScope(name);
  if (!el) return;
  if ('loose' in spec) releaseHeight(el);
  else if ('clear' in spec) el.replaceChildren();
  else if ('remove' in spec) el.remove();
  else if ('scroll_to' in spec) el.scrollIntoView({ block: BLOCK[spec.position] || 'start', behavior: 'smooth' });
}
