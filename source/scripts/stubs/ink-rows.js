/**
 * A faster `Output.get()` for Ink 6.8, patched into the bundle by build.mjs (keep-ink-caches).
 *
 * Ink composes every frame on a grid: one object per cell (6,400 at 160×40), each styled line copied
 * into it character by character, then every row turned back into a string by diffing the styles of
 * each cell with its neighbour's. That was 8 ms of every frame at 160×40 on this machine, whatever
 * changed. The reader's frames are simpler than what the grid is for: side-by-side panes whose lines
 * never overlap, and no clipping. Such a row is the concatenation of its lines, each in
 * the canonical form Ink's own row-building gives it (styles closed at its end), with unstyled spaces
 * in the gaps: the same characters in the same cells with the same styles.
 *
 * Any frame outside that shape (a clip, overlapping or fractional positions, a line
 * past the frame's width) returns null and Ink's grid composes it as before.
 *
 * `ink` is what Ink's output.js itself imports (ansi-tokenize's three functions and string-width),
 * passed in by the patch so that lines are read exactly as Ink reads them.
 */

/** Per distinct line: how many cells Ink gives it, and its canonical string. Cleared when large. */
let lines = new Map();
const MAX_LINES = 20000;

function lineInfo(line, ink) {
  let info = lines.get(line);
  if (info === undefined) {
    if (lines.size >= MAX_LINES) lines = new Map();
    const chars = ink.styledCharsFromTokens(ink.tokenize(line));
    let cells = 0;
    // As Ink's grid counts: at least one cell a character, a wide one its width.
    for (const char of chars) cells += Math.max(1, ink.stringWidth(char.value));
    info = { cells, text: ink.styledCharsToString(chars) };
    lines.set(line, info);
  }
  return info;
}

/**
 * The frame Ink's `Output.get()` would give for `operations` on a `width`×`height` grid, or null when
 * the grid must compose it.
 */
export function composeRows(width, height, operations, ink) {
  const rows = Array.from({ length: height }, () => []);
  for (const operation of operations) {
    if (operation.type !== 'write') return null;
    const { x, y, text, transformers } = operation;
    if (!text) continue;
    if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0) return null;
    const split = text.split('\n');
    for (let i = 0; i < split.length && y + i < height; i++) {
      // As the grid does: each line through the Text's transforms (Ink gives every Text one, an identity
      // unless it has colour or style props), innermost first.
      let line = split[i];
      for (const transform of transformers) line = transform(line, i);
      const info = lineInfo(line, ink);
      if (info.cells === 0) continue;
      if (x + info.cells > width) return null;
      rows[y + i].push({ x, info });
    }
  }
  const out = new Array(height);
  for (let y = 0; y < height; y++) {
    const segments = rows[y];
    if (segments.length > 1) segments.sort((a, b) => a.x - b.x);
    let row = '';
    let cursor = 0;
    for (const { x, info } of segments) {
      if (x < cursor) return null;
      if (x > cursor) row += ' '.repeat(x - cursor);
      row += info.text;
      cursor = x + info.cells;
    }
    out[y] = row.trimEnd();
  }
  return { output: out.join('\n'), height };
}
