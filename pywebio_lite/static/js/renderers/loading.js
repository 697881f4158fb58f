/**
 * loading: {shape: border|grow, color} -> a spinner with role="status" and a visually hidden
 * "Loading...". The spinner sits in a wrapper; used as a context manager the wrapper is the
 * scope, so removing it removes the spinner and everything output inside. style goes to the
 * spinner itself (put_loading().style('width:4rem;height:4rem') resizes it).
 */
import { h } from '../dom.js';

export default function loading(spec) {
  const spinner = h('span', {
    class: `pwl-spinner pwl-spinner-${spec.shape === 'grow' ? 'grow' : 'border'} pwl-c-${spec.color || 'dark'}`,
    role: 'status',
  }, h('span', { class: 'pwl-sr-only' }, 'Loading...'));
  const wrap = h('div', { class: 'pwl-loading' }, spinner);
  wrap.pwlMain = spinner;
  return wrap;
}
