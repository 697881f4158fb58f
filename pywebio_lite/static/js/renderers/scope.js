/** scope: {name, contents} -> <div id="pywebio-scope-NAME"> holding contents. */
import { scopeElement } from '../scopes.js';
import { renderInto } from '../render.js';

export default function scope(spec) {
  return renderInto(scopeElement(spec.name), spec.contents);
}
