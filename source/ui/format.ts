/** Small text helpers for the views: terminal-column-aware fitting, and the ages (from core/age.ts). */
import stringWidth from 'string-width';
import { COMPLEX, characterWidths } from './text-width.js';

const ELLIPSIS = '…';
const PLAIN_ASCII = /^[\x20-\x7e]*$/;
// SGR colour codes are the only escapes our own painting puts in a line; they take no columns.
const SGR = /\x1b\[[0-9;]*m/y;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const characterWidth = characterWidths(stringWidth);

/**
 * The longest start of `text` that takes at most `width` columns, cut between grapheme clusters:
 * a wide character (CJK, emoji, a flag, a ZWJ sequence) is kept whole or dropped whole, never split.
 * cli-truncate 5.2 overflowed by one column when its cut fell inside a wide character, and one line
 * wider than its pane made Ink truncate the pane's whole text as a single line (issue 13).
 * Colour codes are kept and a cut line ends with a reset, so colour never leaks past it.
 */
function head(text: string, width: number): { text: string; width: number } {
  if (PLAIN_ASCII.test(text)) {
    const t = text.slice(0, width);
    return { text: t, width: t.length };
  }
  let out = '';
  let used = 0;
  let coloured = false;
  for (let i = 0; i < text.length; ) {
    SGR.lastIndex = i;
    const sgr = SGR.exec(text);
    if (sgr) {
      out += sgr[0];
      coloured = true;
      i = SGR.lastIndex;
      continue;
    }
    const next = text.indexOf('\x1b', i + 1);
    const run = next < 0 ? text.slice(i) : text.slice(i, next);
    if (!COMPLEX.test(run)) {
      // One grapheme per code unit (text-width.ts): no segmenter needed.
      let k = 0;
      for (; k < run.length; k++) {
        const w = characterWidth(run.charCodeAt(k));
        if (used + w > width) break;
        used += w;
      }
      out += run.slice(0, k);
      if (k < run.length) return { text: coloured ? `${out}\x1b[0m` : out, width: used };
      i += run.length;
      continue;
    }
    for (const { segment } of graphemes.segment(run)) {
      const w = stringWidth(segment);
      if (used + w > width) return { text: coloured ? `${out}\x1b[0m` : out, width: used };
      out += segment;
      used += w;
    }
    i += run.length;
  }
  return { text: out, width: used };
}

/** Cut or pad `text` to exactly `width` terminal columns (CJK and emoji count double). */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const w = stringWidth(text);
  if (w <= width) return text + ' '.repeat(width - w);
  const cut = head(text, width - 1);
  // A wide character that did not fit leaves a half column: pad it rather than overflow.
  return cut.text + ELLIPSIS + ' '.repeat(width - 1 - cut.width);
}

/** Cut `text` to at most `width` columns without padding. */
export function cut(text: string, width: number): string {
  if (width <= 0) return '';
  if (stringWidth(text) <= width) return text;
  return head(text, width - 1).text + ELLIPSIS;
}

/** Cut `text` to at most `width` columns, with no ellipsis (a line that is already laid out). */
export function clip(text: string, width: number): string {
  if (width <= 0) return '';
  return stringWidth(text) <= width ? text : head(text, width).text;
}

// Ages come from core, so that the reader and the headless output say the same.
export { ageInWords, relativeAge } from '../core/age.js';
