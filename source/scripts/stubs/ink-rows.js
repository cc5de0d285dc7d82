/**
 * A faster `Output.get()` for Ink 6.8, patched into the bundle by build.mjs (keep-ink-caches).
 *
 * Ink composes every frame on a grid: one object per cell (6,400 at 160×40), each styled line copied
 * into it character by character, then every row turned back into a string by diffing the styles of
 * each cell with its neighbour's. That was 8 ms of every frame at 160×40 on this machine, whatever
 * changed. The reader's frames are simpler than what the grid is for: side-by-side panes whose lines
 * never overlap, and no clipping. Such a row is the concatenation of its lines, each with its styles
 * closed at its end, and unstyled spaces in the gaps: the same characters in the same cells with the
 * same styles. A line's cells are counted here from its text runs (the graphemes Intl.Segmenter
 * finds, as Ink's tokenizer does, without its object per character); Ink's tokenizer reads only the
 * lines whose styles are not as chalk writes them.
 *
 * Any frame outside that shape (a clip, overlapping or fractional positions, a line
 * past the frame's width) returns null and Ink's grid composes it as before.
 *
 * `ink` is what Ink's output.js itself imports (ansi-tokenize's three functions and string-width),
 * passed in by the patch so that lines are read exactly as Ink reads them.
 */

// The views' module, in TypeScript: the bundle and the tests compile it.
import { COMPLEX } from '../../ui/text-width.ts';

/** Per distinct line: how many cells Ink gives it, and the string that draws it. Cleared when large. */
let lines = new Map();
const MAX_LINES = 20000;

const SGR = /\x1b\[[0-9;]*m/g;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const widths = new Map();

/** Ink's grid's width for one grapheme: at least one cell. */
function graphemeWidth(grapheme, ink) {
  let width = widths.get(grapheme);
  if (width === undefined) {
    if (widths.size >= MAX_LINES) widths.clear();
    width = Math.max(1, ink.stringWidth(grapheme));
    widths.set(grapheme, width);
  }
  return width;
}

/**
 * Ink's cell count for a run of text between two colour codes, as its grid counts (each grapheme at
 * least one cell, a wide one its width), or -1 when Ink's tokenizer must tell: an escape that is not a
 * colour, or a run that starts with a character that would join the code before it.
 */
function runCells(run, ink) {
  if (PRINTABLE_ASCII.test(run)) return run.length;
  if (run.includes('\x1b') || run.includes('\x9b')) return -1;
  if (COMPLEX.test(String.fromCodePoint(run.codePointAt(0)))) return -1;
  let cells = 0;
  if (!COMPLEX.test(run)) {
    // One grapheme per code unit.
    for (let i = 0; i < run.length; i++) cells += graphemeWidth(run[i], ink);
  } else {
    for (const { segment } of graphemes.segment(run)) cells += graphemeWidth(segment, ink);
  }
  return cells;
}

/** What each SGR code chalk writes opens or closes: [group, true to open]. */
const GROUP_OF = new Map([
  [1, ['intensity', true]],
  [2, ['intensity', true]],
  [22, ['intensity', false]],
  [3, ['italic', true]],
  [23, ['italic', false]],
  [4, ['underline', true]],
  [24, ['underline', false]],
  [7, ['inverse', true]],
  [27, ['inverse', false]],
  [8, ['hidden', true]],
  [28, ['hidden', false]],
  [9, ['strike', true]],
  [29, ['strike', false]],
  [53, ['overline', true]],
  [55, ['overline', false]],
  [39, ['fg', false]],
  [49, ['bg', false]],
]);

/**
 * Whether a line's colour codes are as chalk writes them: each style opened once and closed before
 * another of its kind opens, all closed by the end. Ink's tokenizer and a terminal read such a line
 * alike; anything else (nested or unclosed styles) is left to the tokenizer, as Ink would read it.
 */
function balancedStyles(line) {
  const open = new Set();
  for (const [, params] of line.matchAll(/\x1b\[([0-9;]*)m/g)) {
    const codes = params.split(';').map(Number);
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      let group;
      let opens;
      if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97) || code === 38) [group, opens] = ['fg', true];
      else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107) || code === 48) [group, opens] = ['bg', true];
      else {
        const known = GROUP_OF.get(code);
        if (known === undefined) return false;
        [group, opens] = known;
      }
      if (code === 38 || code === 48) {
        const skip = codes[i + 1] === 5 ? 2 : codes[i + 1] === 2 ? 4 : -1;
        if (skip < 0 || i + skip >= codes.length) return false;
        i += skip;
      }
      if (opens === open.has(group)) return false;
      if (opens) open.add(group);
      else open.delete(group);
    }
  }
  return open.size === 0;
}

function lineInfo(line, ink) {
  let info = lines.get(line);
  if (info === undefined) {
    if (lines.size >= MAX_LINES) lines = new Map();
    const styled = line.includes('\x1b');
    let cells = styled && !balancedStyles(line) ? -1 : 0;
    for (const run of styled ? line.split(SGR) : [line]) {
      if (cells < 0) break;
      if (run === '') continue;
      const n = runCells(run, ink);
      cells = n < 0 ? -1 : cells + n;
    }
    if (cells >= 0) {
      // The line as its builder wrote it: its styles are closed at its end.
      info = { cells, text: line };
    } else {
      // Ink's own reading, re-encoded as its grid would (styles closed at the end).
      const chars = ink.styledCharsFromTokens(ink.tokenize(line));
      let n = 0;
      for (const char of chars) n += Math.max(1, ink.stringWidth(char.value));
      info = { cells: n, text: ink.styledCharsToString(chars) };
    }
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
