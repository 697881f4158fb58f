/**
 * link: {text, url | app, new_window?, blocked?, trusted?} -> <a href>; `app` links to ?app=NAME
 * on this server. A script URL (blocked by the server, or caught here unless the app marked it
 * trusted) leaves the text as plain, non-clickable text.
 */
import { h, isScriptUrl } from '../dom.js';

export default function link(spec) {
  let href = spec.app != null ? `?app=${encodeURIComponent(spec.app)}` : spec.url;
  if (spec.blocked || (href != null && !spec.trusted && isScriptUrl(href))) href = null;
  if (href == null) {
    return h('span', { class: 'pwl-link pwl-link-blocked', title: 'Link removed: its URL could run script' }, spec.text);
  }
  return h('a', {
    class: 'pwl-link',
    href,
    target: spec.new_window ? '_blank' : null,
    rel: spec.new_window ? 'noopener' : null,
  }, spec.text);
}
