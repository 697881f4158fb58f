/** image: {src, title?, width?, height?} -> <img alt=title title=title>. */
import { h, cssLength } from '../dom.js';

export default function image(spec) {
  const img = h('img', { class: 'pwl-image', src: spec.src, alt: spec.title || '', title: spec.title || null });
  if (spec.width) img.style.width = cssLength(spec.width);
  if (spec.height) img.style.height = cssLength(spec.height);
  return img;
}
