/**
 * Text widths without the grapheme segmenter, for the views' cutting (format.ts), the row composer
 * and string-width itself as the bundle patches them (scripts/build.mjs, scripts/stubs/ink-rows.js).
 *
 * string-width 8 measures text that is not printable ASCII one grapheme at a time: Intl.Segmenter,
 * then three Unicode-property regexes per grapheme. One `·`, `—`, `│` or curly quote in a line sends
 * the whole line down that path, and a frame of new lines (the list at a new width when the comments
 * pane opens) spent 6-12 ms there. Most such text has no character that can join a neighbour into
 * one grapheme: its width is the sum of its characters' widths, each asked of string-width once.
 */

/**
 * A character that may join its neighbours in one grapheme (marks, joiners, Hangul jamo, prepended
 * signs, astral characters such as emoji and flags) or is no character at all (controls, format
 * characters). A run holding none is one grapheme per code unit.
 */
export const COMPLEX =
  /[\p{Grapheme_Extend}\p{M}\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\u0e33\u0eb3\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u0d4e\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff]|[\u{10000}-\u{10ffff}]/u;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const SGR = /\x1b\[[0-9;]*m/g;

/** The width of one code unit (a character outside COMPLEX, so never astral), by its char code. */
export type CharacterWidth = (code: number) => number;

/** `widthOf` (string-width's own, measuring one character) remembered in a table of the BMP. */
export function characterWidths(widthOf: (character: string) => number): CharacterWidth {
  const known = new Int8Array(0x10000).fill(-1);
  return (code) => {
    let width = known[code]!;
    if (width < 0) {
      width = widthOf(String.fromCharCode(code));
      known[code] = width;
    }
    return width;
  };
}

/**
 * The columns `text` takes, colour codes taking none, summed over its characters; or -1 when the
 * segmenter must tell (a character in COMPLEX, an escape that is not a colour).
 */
export function simpleWidth(text: string, characterWidth: CharacterWidth): number {
  const plain = text.includes('\x1b') ? text.replace(SGR, '') : text;
  if (PRINTABLE_ASCII.test(plain)) return plain.length;
  if (COMPLEX.test(plain)) return -1;
  let width = 0;
  for (let i = 0; i < plain.length; i++) width += characterWidth(plain.charCodeAt(i));
  return width;
}
