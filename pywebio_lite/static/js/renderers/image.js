/**
 * image: {src, title?, width?, height?, blocked?, trusted?} -> <img alt=title title=title>.
 * A script URL (blocked by the server, or caught here unless trusted) is not loaded.
 */
import { h, cssLength, isScriptUrl } from '../dom.js';

export default function image(spec) {
  const unsafe = spec.blocked || (spec.src != null && !spec.trusted && isScriptUrl(spec.src, true));
  const img = h('img', { class: 'pwl-image', src: unsafe ? null : spec.src, alt: spec.title || (unsafe ? 'Image removed: its URL could run script' : ''),
    title: spec.title || null });
  if (unsafe) img.classList.add('pwl-image-blocked');
  if (spec.width) img.style.width = cssLength(spec.width);
  if (spec.height) img.style.height = cssLength(spec.height);
  return img;
}
