/**
 * One enclosure as the article lists it: `audio/mpeg, 24.3 MB: https://…`. Sizes in decimal units, as
 * podcast apps and file managers show them; what the feed did not say is left out, not guessed.
 */
import type { Enclosure } from '../types.js';
import { sanitizeLine } from '../sanitize.js';

const UNITS = ['kB', 'MB', 'GB', 'TB'];

/** 24300000 -> "24.3 MB"; under 1000, "512 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  // 999.96 kB would print as "1000.0 kB": step up instead.
  if (value >= 999.95 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

export function enclosureLine(e: Enclosure): string {
  const what = [sanitizeLine(e.type), e.length === null ? '' : formatBytes(e.length)].filter(Boolean).join(', ');
  return what ? `${what}: ${e.url}` : e.url;
}
