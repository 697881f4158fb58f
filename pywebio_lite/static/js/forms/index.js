/**
 * The input side of the page, loaded (by main.js) with the first frame that shows a form or a pin.
 *
 *   form.js    input_group, update_input, destroy_form
 *   pins.js    the `pin` renderer; pin_values, pin_update, pin_wait, pin_onchange
 *   fields.js  one field of either (labels, values, validation display)
 *   upload.js  files in chunks;  i18n.js  the words the page writes itself
 *   combo.js   the searchable select, loaded when a frame asks for one
 *   ../editor/editor.js  the code editor, loaded when a textarea asks for it
 *
 * Its stylesheet (css/forms.css) is loaded first, so no form ever shows unstyled.
 */
import { registerCommand, registerLazy } from '../commands.js';
import { loadStylesheet } from '../dom.js';
import { registerRenderer } from '../render.js';
import { setEnv } from '../env.js';
import { inputGroup, updateInput, destroyForm, applyPanelEnv } from './form.js';
import { renderPin, pinValues, pinUpdate, pinWait, pinOnchange } from './pins.js';
import { useCombo } from './fields.js';

await loadStylesheet(new URL('../../css/forms.css', import.meta.url).href);

// select(native=False) draws our searchable combobox (combo.js and combo.css): loaded before the
// first frame whose specs ask for one (Python's JSON writes the key as "native":false).
registerLazy('combo', () => import('./combo.js').then((mod) => useCombo(mod.Combo)));

registerCommand('input_group', inputGroup);
registerCommand('update_input', updateInput);
registerCommand('destroy_form', destroyForm);
registerCommand('pin_values', pinValues);
registerCommand('pin_update', pinUpdate);
registerCommand('pin_wait', pinWait);
registerCommand('pin_onchange', pinOnchange);
registerRenderer('pin', renderPin);
// set_env keeps working as before; the input panel follows its input_panel_* keys at once.
registerCommand('set_env', (spec) => {
  setEnv(spec);
  applyPanelEnv();
});
applyPanelEnv();
