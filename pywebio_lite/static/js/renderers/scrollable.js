/**
 * scrollable: {contents, min_height?, max_height? (px; absent: no limit), keep_bottom?, border} -> a box whose inner
 * element scrolls (that inner element is the `container` scope). keep_bottom keeps it scrolled
 * to the end as content arrives, unless the user has scrolled up.
 */
import { h } from '../dom.js';
import { renderInto } from '../render.js';

function stickToBottom(box) {
  let stuck = true;
  const toBottom = () => { if (stuck) box.scrollTop = box.scrollHeight; };
  box.addEventListener('scroll', () => {
    stuck = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
  }, { passive: true });
  // Batched by the browser: one scroll per burst of insertions, after layout.
  new MutationObserver(toBottom).observe(box, { childList: true, subtree: true, characterData: true });
  new ResizeObserver(toBottom).observe(box);  // first layout (and later resizes)
}

export default function scrollable(spec) {
  const box = renderInto(h('div', { class: 'pwl-scroll pwl-flow', tabindex: '0' }), spec.contents);
  if (spec.min_height != null) box.style.minHeight = `${spec.min_height}px`;
  if (spec.max_height != null) box.style.maxHeight = `${spec.max_height}px`;  // null: no limit
  const el = h('div', { class: `pwl-scrollable${spec.border === false ? '' : ' pwl-bordered'}` }, box);
  if (spec.keep_bottom) stickToBottom(box);
  el.pwlBody = box;
  return el;
}
