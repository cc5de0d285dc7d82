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

/** The hints an 80-column terminal shows (issue 16): the reload note never displaces these. */
const CORE_WIDTH = 80;

/**
 * The hints, and at the right end `note` (the background reloads' "next reload 14:35 · last: …"):
 * whole, else its first part ("next reload 14:35"), else not at all. It may take the place of hints,
 * but never of those an 80-column terminal shows, the keys a new user needs.
 */
export function hintLine(pane: Pane, keymap: Keymap, width: number, note: string | null = null): string {
  const hints = PANE_HINTS[pane].filter((a) => keymap[a].length > 0).map((a) => hintText(pane, a, keymap));
  if (pane === 'sidebar') hints.push(SIDEBAR_LEGEND);
  const help = hintText(pane, 'help', keymap);
  const line = (n: number) => ' ' + [...hints.slice(0, n), help].join('  ');
  const fitting = (room: number) => {
    let n = hints.length;
    while (n > 0 && stringWidth(line(n)) > room) n--;
    return n;
  };
  const all = fitting(width);
  const core = fitting(Math.min(width, CORE_WIDTH));
  for (const text of note ? [note, note.split(' · ')[0]!] : []) {
    const tail = `  ${text} `;
    const n = fitting(width - stringWidth(tail));
    if (n < core || stringWidth(line(n)) + stringWidth(tail) > width) continue;
    return line(n) + ' '.repeat(width - stringWidth(line(n)) - stringWidth(tail)) + tail;
  }
  return cut(line(all), width);
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
