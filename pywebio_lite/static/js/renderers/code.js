/**
 * code: {content, language?, rows?} -> <pre><code class="language-X">, highlighted.
 * The highlighter (../highlight.js) is imported the first time a code block needs it.
 */
import { h } from '../dom.js';

let highlighter = null;  // the module once loaded; a Promise while loading

/** Highlight `codeEl` (which holds plain text) now if the highlighter is loaded, else soon. */
export function highlightLater(codeEl, language) {
  if (highlighter && !(highlighter instanceof Promise)) {
    highlighter.highlightElement(codeEl, language);
    return;
  }
  highlighter ||= import('../highlight.js').then((mod) => (highlighter = mod));
  highlighter.then((mod) => mod.highlightElement(codeEl, language));
}

export default function code(spec) {
  const language = spec.language || '';
  const codeEl = h('code', { class: language ? `language-${language}` : null }, spec.content);
  const pre = h('pre', { class: 'pwl-code' }, codeEl);
  if (spec.rows) pre.style.setProperty('--rows', spec.rows);
  if (language) highlightLater(codeEl, language);
  return pre;
}
