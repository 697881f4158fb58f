/**
 * Small DOM helpers shared by every module.
 *
 * Rule: user text always reaches the page through textContent / text nodes. Only the html,
 * markdown and widget renderers put raw HTML in (via `parseHTML`).
 */

/**
 * Create an element: h('button', {class: 'x', type: 'button'}, 'label', childNode).
 * Attribute values of null/undefined/false are skipped, true sets an empty attribute.
 * String children become text nodes.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const key in attrs) {
      const value = attrs[key];
      if (value == null || value === false) continue;
      el.setAttribute(key, value === true ? '' : value);
    }
  }
  for (const child of children) {
    if (child != null) el.append(child);  // append() turns strings into text nodes
  }
  return el;
}

/** The element with this id, or null. */
export const byId = (id) => document.getElementById(id);

/** A fresh id for aria wiring (tabs, dialogs). */
let idCounter = 0;
export const uid = (prefix) => `pwl-${prefix}-${++idCounter}`;

/** Raw HTML as a DocumentFragment. Its <script>s are inert until `runScripts` revives them. */
export function parseHTML(html) {
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  return tpl.content;
}

/**
 * Run the <script> elements under `root` (which must be in the document), in document order.
 * A script made by innerHTML never runs, so each one is replaced by a new copy; an external
 * script is awaited before the next one runs, like a parser would (plotly/bokeh HTML needs it).
 */
export async function runScripts(root) {
  for (const old of root.querySelectorAll('script')) {
    const type = (old.getAttribute('type') || '').trim().toLowerCase();
    const runnable = !type || type === 'module' || /^(text|application)\/(x-)?(java|ecma)script$/.test(type);
    if (!runnable || old.pwlRan || !old.isConnected) continue;
    const script = document.createElement('script');
    for (const attr of old.attributes) script.setAttribute(attr.name, attr.value);
    script.textContent = old.textContent;
    script.pwlRan = true;
    const external = old.hasAttribute('src') && !old.hasAttribute('async') && type !== 'module';
    const done = external && new Promise((resolve) => {
      script.addEventListener('load', resolve, { once: true });
      script.addEventListener('error', resolve, { once: true });
    });
    if (external) script.async = false;
    old.replaceWith(script);
    if (done) await done;
  }
}

/** Does this element react to Enter/clicks on its own (so it needs no role="button")? */
export function isInteractive(el) {
  return el.matches('a[href], button, input, select, textarea, summary, details, [tabindex]');
}

/** CSS length from a user value: a bare number means pixels. */
export const cssLength = (value) => (/^\d+(\.\d+)?$/.test(String(value)) ? `${value}px` : String(value));

/*
 * Script URLs. The server already neutralises them in link and image specs (output.py); the
 * renderers check again, so a spec that slipped through still cannot run script. The rules
 * match pywebio_lite.markdown.sanitize.is_script_url: whitespace and control characters are
 * ignored anywhere in the scheme, case does not matter, percent-encoding is decoded.
 */
const URL_JUNK = /[\u0000-\u0020\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\ufeff]+/g;
const SCRIPT_SCHEME = /^(?:javascript|vbscript|livescript|mocha):/i;
const DATA_RASTER = /^data:image\/(?:png|gif|jpeg|jpg|webp|bmp|avif|x-icon)[;,]/i;

/** Could following this link (or, with image=true, loading this image) run script? */
export function isScriptUrl(url, image = false) {
  const forms = [String(url)];
  try { forms.push(decodeURIComponent(forms[0])); } catch (e) { /* a lone "%": as is */ }
  return forms.some((form) => {
    const u = form.replace(URL_JUNK, '');
    if (SCRIPT_SCHEME.test(u)) return true;
    if (!/^data:/i.test(u)) return false;
    return !(image ? /^data:image\//i : DATA_RASTER).test(u);
  });
}

/** Link the stylesheet at `href` once; resolves when it has loaded (or failed), so nothing shows unstyled. */
export function loadStylesheet(href) {
  if ([...document.styleSheets].some((sheet) => sheet.href === href)) return Promise.resolve();
  const link = h('link', { rel: 'stylesheet', href });
  return new Promise((resolve) => {
    link.onload = link.onerror = resolve;
    document.head.append(link);
  });
}
