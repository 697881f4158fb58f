/** html: {content} -> the raw HTML in a <div>; its <script> tags run once it is in the page. */
import { h, parseHTML, runScripts } from '../dom.js';
import { afterMount } from '../render.js';

export default function html(spec) {
  const el = h('div', { class: 'pwl-html' });
  el.append(parseHTML(spec.content));
  if (el.querySelector('script')) afterMount(() => runScripts(el));
  return el;
}
