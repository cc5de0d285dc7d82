/** The help screen's lines: every action with its keys (after the settings' overrides). */
import { ACTIONS, COMMAND, type Keymap } from '../../core/reader-actions.js';
import { showKey } from '../keys.js';
import { fit } from '../format.js';

/** One column of entries below 150 columns, two from there. */
const columnsFor = (width: number) => (width >= 150 ? 2 : 1);

export function helpLineCount(width: number): number {
  return Math.ceil(ACTIONS.length / columnsFor(width));
}

export function helpLines(keymap: Keymap, width: number): string[] {
  const columns = columnsFor(width);
  const colWidth = Math.floor(width / columns);
  const keysWidth = Math.min(16, Math.max(8, Math.floor(colWidth / 5)));
  const entries = ACTIONS.map((action) => {
    const keys = keymap[action].map(showKey).join(' ') || '(unbound)';
    return `${fit(keys, keysWidth)} ${fit(action, 16)} ${COMMAND[action].description}`;
  });
  const perColumn = helpLineCount(width);
  const lines: string[] = [];
  for (let i = 0; i < perColumn; i++) {
    lines.push(Array.from({ length: columns }, (_, c) => fit(entries[c * perColumn + i] ?? '', colWidth)).join(''));
  }
  return lines;
}
