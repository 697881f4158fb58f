/**
 * Page settings (the set_env command) and the output effects they control: the fade-in of new
 * output and scrolling to the bottom when ROOT grows (once per batch of frames, see `settle`).
 */
import { setLanguage } from './i18n.js';

/** Current settings. The forms code reads the input_* keys from here. */
export const env = {
  title: document.title,
  output_animation: true,
  auto_scroll_bottom: false,
  output_max_width: null,
  input_panel_fixed: true,
  input_panel_min_height: 300,
  input_panel_init_height: 300,
  input_auto_focus: true,
  debug: false,
};

/** A batch of frames with more new outputs than this is a burst: it just appears, none fades in
 * (dozens of fading elements cost the browser a composited layer each, frame after frame). */
const ANIMATED_PER_BATCH = 64;
const fading = [];
let outputs = 0;
let scrollWanted = false;

export function setEnv(spec) {
  Object.assign(env, spec);
  if ('title' in spec) document.title = spec.title;
  if ('language' in spec) setLanguage(spec.language);
  if ('output_max_width' in spec) {
    document.getElementById('pwl-page').style.maxWidth = spec.output_max_width || '';
  }
}

/** Called for every new top-level output element before it is placed. */
export function noteOutput(el, scope) {
  if (env.output_animation && ++outputs <= ANIMATED_PER_BATCH) {
    fading.push(el);
    el.classList.add('pwl-enter');
  }
  if (scope === 'ROOT' && env.auto_scroll_bottom) scrollWanted = true;
}

/**
 * After a batch of frames was applied (just before the browser draws): scroll once. A hidden tab
 * scrolls when it is shown again (measuring the page for every frame would cost a layout each).
 */
export function settle() {
  if (outputs > ANIMATED_PER_BATCH) for (const el of fading) el.classList.remove('pwl-enter');
  fading.length = 0;
  outputs = 0;
  if (!scrollWanted) return;
  if (document.hidden) {
    document.addEventListener('visibilitychange', settle, { once: true });
    return;
  }
  scrollWanted = false;
  window.scrollTo({ top: document.documentElement.scrollHeight, behavior: 'instant' });
}
