/** link: {text, url | app, new_window?} -> <a href>; `app` links to ?app=NAME on this server. */
import { h } from '../dom.js';

export default function link(spec) {
  const href = spec.app != null ? `?app=${encodeURIComponent(spec.app)}` : spec.url;
  return h('a', {
    class: 'pwl-link',
    href,
    target: spec.new_window ? '_blank' : null,
    rel: spec.new_window ? 'noopener' : null,
  }, spec.text);
}
