/** text: {content, inline?} -> <p> (or <span> when inline), white-space: pre-wrap. Never HTML. */
export default function text(spec) {
  const el = document.createElement(spec.inline ? 'span' : 'p');
  el.className = 'pwl-text';
  el.textContent = spec.content;
  return el;
}
