/**
 * The input side's words come from ../i18n.js (the page's language); a byte count as people read it.
 */
import { t } from '../i18n.js';

export { t };

/** A byte count as people read it: 512 B, 1.5 KB, 20.0 MB (binary units, like the server). */
export function formatSize(n) {
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return i ? `${n.toFixed(1)} ${units[i]}` : `${n} B`;
}
