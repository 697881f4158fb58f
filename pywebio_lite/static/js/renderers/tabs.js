/**
 * tabs: {tabs: [{title, contents}]} -> role="tablist" of role="tab" buttons, one role="tabpanel"
 * each. Click or Left/Right/Home/End to switch (focus follows).
 */
import { h, uid } from '../dom.js';
import { renderInto } from '../render.js';

export default function tabs(spec) {
  const list = h('div', { class: 'pwl-tablist', role: 'tablist' });
  const el = h('div', { class: 'pwl-tabs' }, list);
  const tabEls = [];
  const panels = [];
  const select = (index, focus) => {
    tabEls.forEach((tab, i) => {
      const on = i === index;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      panels[i].hidden = !on;
    });
    if (focus) tabEls[index].focus();
  };
  spec.tabs.forEach((item, i) => {
    const tabId = uid('tab');
    const panelId = uid('tabpanel');
    const tab = h('button', { type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId, class: 'pwl-tab' }, item.title);
    const panel = renderInto(h('div', { role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, tabindex: '0', class: 'pwl-tabpanel pwl-flow' }), item.contents);
    tab.addEventListener('click', () => select(i, false));
    tabEls.push(tab);
    panels.push(panel);
    list.append(tab);
    el.append(panel);
  });
  list.addEventListener('keydown', (ev) => {
    const current = tabEls.indexOf(document.activeElement);
    if (current < 0) return;
    const n = tabEls.length;
    const next = { ArrowRight: current + 1, ArrowLeft: current - 1 + n, Home: 0, End: n - 1 }[ev.key];
    if (next === undefined) return;
    ev.preventDefault();
    select(next % n, true);
  });
  if (tabEls.length) select(0, false);
  return el;
}
