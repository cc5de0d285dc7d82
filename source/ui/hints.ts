/**
 * The footer: the focused pane's key hints, or a status message. Hints come from the command table and
 * the live keymap, so a rebound key is shown as bound. A line that does not fit drops hints from the end
 * (the least useful) and always keeps the `?` hint last; a message that does not fit wraps onto a second
 * line at a word, never cut inside one.
 */
import stringWidth from 'string-width';
import { COMMAND, PANE_HINT_WORDS, PANE_HINTS, type Action, type Keymap } from '../core/reader-actions.js';
import { keyOf } from './keys.js';
import { cut } from './format.js';
import { wrapText } from '../core/html.js';
import type { Pane } from './state/reader.js';

/** The sidebar's flags, explained after its keys when there is room. */
const SIDEBAR_LEGEND = '! failed  ~ broken feed, items recovered';

function hintText(pane: Pane, action: Action, keymap: Keymap): string {
  const spec = COMMAND[action];
  const word = PANE_HINT_WORDS[pane]?.[action] ?? spec.hint ?? spec.description;
  const key = keyOf(keymap, action) + (spec.hintPair ? `/${keyOf(keymap, spec.hintPair as Action)}` : '');
  return `${key} ${word.replaceAll('{key}', keyOf(keymap, action))}`;
}

/**
 * The hints, and at the right end `note` (the background reloads' "next reload 14:35 · last: …"): it
 * keeps its place before the hints do, unless not even the `?` hint would fit beside it.
 */
export function hintLine(pane: Pane, keymap: Keymap, width: number, note: string | null = null): string {
  const hints = PANE_HINTS[pane].filter((a) => keymap[a].length > 0).map((a) => hintText(pane, a, keymap));
  if (pane === 'sidebar') hints.push(SIDEBAR_LEGEND);
  const help = hintText(pane, 'help', keymap);
  const line = (n: number) => ' ' + [...hints.slice(0, n), help].join('  ');
  const tail = note ? `  ${note} ` : '';
  const room = stringWidth(line(0)) + stringWidth(tail) <= width ? width - stringWidth(tail) : width;
  let n = hints.length;
  while (n > 0 && stringWidth(line(n)) > room) n--;
  const hinted = cut(line(n), room);
  if (room === width) return hinted;
  return hinted + ' '.repeat(Math.max(0, room - stringWidth(hinted))) + tail;
}

/** A status message in at most two lines, broken between words; a longer one ends in "…" at a word. */
export function statusLines(text: string, width: number): string[] {
  const lines = wrapText(text, width - 1);
  if (lines.length <= 2) return lines.map((l) => ' ' + l);
  // More than two lines: the second one ends in "…", after its last whole word that leaves room for it.
  let second = lines[1]!;
  if (stringWidth(second) + 1 > width - 1 && second.includes(' ')) second = second.slice(0, second.lastIndexOf(' '));
  return [' ' + lines[0]!, ' ' + cut(`${second}…`, width - 1)];
}
