/**
 * Output spec -> element (docs/protocol.md §4).
 *
 * A registry: `render(spec)` looks up the renderer registered for spec.type, then applies the
 * keys every spec may carry: style, onclick and container. This module imports no renderer
 * (no import cycle): renderers/index.js registers the built-in ones (one file per type in
 * ./renderers/), forms/ and datatable/ theirs when they load.
 *
 * A renderer is `(spec) => Element` and may set two properties on the element it returns:
 *   el.pwlBody  the content area (becomes the `container` scope; default: el itself)
 *   el.pwlMain  where style/onclick go (default: el itself), e.g. the spinner inside put_loading
 * A renderer that needs its element in the document (to run scripts, measure...) calls
 * `afterMount(fn)`; fn runs right after the element is inserted (whoever inserts a rendered
 * element calls `runMounts()` then).
 */
import { sendEvent } from './connection.js';
import { h, isInteractive } from './dom.js';
import { SCOPE_PREFIX, flushPending } from './scopes.js';

const renderers = new Map();

/** Add (or replace) the renderer of a spec type, e.g. the forms code registers 'pin'. */
export function registerRenderer(type, fn) {
  renderers.set(type, fn);
}

let mounts = null;

/** Run `fn` once the element being rendered is in the document. */
export function afterMount(fn) {
  (mounts ||= []).push(fn);
}

/** Run what renderers asked to do once their element is in the document (html scripts...). */
export function runMounts() {
  const taken = mounts;
  if (!taken) return;
  mounts = null;
  flushPending();
  for (const fn of taken) {
    try { fn(); } catch (err) { console.error(err); }
  }
}

/** Draw one spec. A string is plain text; null is an empty box. */
export function render(spec) {
  if (spec == null) return h('div', { class: 'pwl-empty' });
  if (typeof spec !== 'object') return h('p', { class: 'pwl-text' }, String(spec));
  const renderer = renderers.get(spec.type);
  if (!renderer) {
    console.warn(`pywebio_lite: no renderer for output type ${spec.type}`);
    return h('div', { class: 'pwl-empty', 'data-type': spec.type });
  }
  const el = renderer(spec);
  if (spec.style || spec.onclick) decorate(el.pwlMain || el, spec);
  if (spec.container) {
    const body = el.pwlBody || el;
    body.id = SCOPE_PREFIX + spec.container;
    body.classList.add('pwl-scope');
  }
  return el;
}

/** Draw a list of content values into `parent` (a fragment is built first, then inserted). */
export function renderInto(parent, contents) {
  if (!contents?.length) return parent;
  const frag = document.createDocumentFragment();
  for (const item of contents) frag.append(render(item));
  parent.append(frag);
  return parent;
}

/** Elements whose own role an onclick keeps. */
const NATIVE_ROLE = 'img, svg, table, ul, ol, dl, h1, h2, h3, h4, h5, h6, figure, progress, meter, [role]';

function decorate(el, spec) {
  if (spec.style) el.setAttribute('style', (el.getAttribute('style') || '') + spec.style);
  const ids = spec.onclick;
  if (!ids?.length) return;
  el.classList.add('pwl-clickable', 'pywebio-clickable');  // PyWebIO's class, for user CSS
  const fire = () => { for (const id of ids) sendEvent('callback', id, null); };
  el.addEventListener('click', fire);
  if (isInteractive(el)) return;
  // A generic box (div, span, p) becomes a button; an element with a role of its own (an image,
  // a table...) keeps it and is only made focusable.
  if (!el.matches(NATIVE_ROLE)) el.setAttribute('role', 'button');
  el.tabIndex = 0;
  el.addEventListener('keydown', (ev) => {
    if (ev.target !== el || (ev.key !== 'Enter' && ev.key !== ' ')) return;
    ev.preventDefault();
    fire();
  });
}
