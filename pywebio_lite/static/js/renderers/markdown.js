/** markdown: {html} -> the HTML the server rendered (pywebio_lite.markdown); code blocks highlighted. */
import { h, parseHTML } from '../dom.js';
import { highlightLater } from './code.js';

export default function markdown(spec) {
  const el = h('div', { class: 'pwl-markdown' });
  el.append(parseHTML(spec.html));
  for (const code of el.querySelectorAll('pre > code[class*="language-"]')) {
    const lang = /(?:^|\s)language-(\S+)/.exec(code.className);
    if (lang) highlightLater(code, lang[1]);
  }
  return el;
}
