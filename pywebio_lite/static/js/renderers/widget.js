/**
 * widget: {html, slots: [spec]} -> the template HTML rendered on the server (put_widget), with
 * each <span data-pwl-slot="i"> replaced by the drawn slots[i]. Its scripts run like put_html's.
 */
import { h, parseHTML, runScripts } from '../dom.js';
import { afterMount, render } from '../render.js';

export default function widget(spec) {
  const el = h('div', { class: 'pwl-widget' });
  el.append(parseHTML(spec.html));
  for (const slot of el.querySelectorAll('span[data-pwl-slot]')) {
    const item = spec.slots?.[Number(slot.dataset.pwlSlot)];
    if (item !== undefined) slot.replaceWith(render(item));
  }
  if (el.querySelector('script')) afterMount(() => runScripts(el));
  return el;
}
