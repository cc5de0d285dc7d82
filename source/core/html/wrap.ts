/**
 * Measuring and wrapping plain text (no escape sequences) in terminal columns, as string-width measures
 * them (the measure Ink uses), but fast enough for a 20,000-word article in any script: widths are
 * remembered per grapheme cluster, and text is only split into clusters where it could matter.
 */
import stringWidth from 'string-width';

const TAB_SIZE = 4;
const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;
const segmenter = new Intl.Segmenter();

/**
 * Characters that can join their neighbours into one grapheme cluster or change its width: marks,
 * joiners, variation selectors, Hangul jamo, emoji, astral code points, prepend characters and the few
 * other spacing/extending characters outside \p{M}. A string without any of them is one cluster per
 * code point, so its width is the sum of its characters' widths.
 */
const COMPLEX =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: the class lists single code points (joiners, selectors) on purpose
  /[\p{M}\p{Cs}\p{Extended_Pictographic}\u{10000}-\u{10FFFF}\u200c\u200d\ufe00-\ufe0f\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u0d4e\u0e33\u0eb3\uff9e\uff9f\u20e3]/u;

/**
 * Widths of single grapheme clusters, as string-width (the measure Ink uses) gives them. string-width
 * runs several Unicode-property regexes per cluster (about 1-2 µs each), so a 20,000-word article in
 * any non-ASCII script would take hundreds of milliseconds to measure; remembered per cluster, it does
 * not. Bounded, so hostile input cannot grow it without limit.
 */
const clusterWidths = new Map<string, number>();

function clusterWidth(cluster: string): number {
  let w = clusterWidths.get(cluster);
  if (w === undefined) {
    w = stringWidth(cluster);
    if (clusterWidths.size >= 50_000) clusterWidths.clear();
    clusterWidths.set(cluster, w);
  }
  return w;
}

/** Visible width of plain text (no escape sequences): exactly string-width's answer, faster. */
export function widthOf(s: string): number {
  if (ASCII_PRINTABLE.test(s)) return s.length;
  let w = 0;
  if (!COMPLEX.test(s)) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      w += c >= 0x20 && c < 0x7f ? 1 : clusterWidth(s[i]!);
    }
    return w;
  }
  for (const { segment } of segmenter.segment(s)) w += clusterWidth(segment);
  return w;
}

/**
 * Greedy word wrap of plain text to `columns`, returning each row as a [start, end) range of `text` and
 * the row's width (so styles can be applied afterwards from the runs the range covers). Semantics follow
 * wrap-ansi with `{hard: true, trim: true}` (the test suite checks them against it): words split on
 * spaces, "\n" always breaks, rows carry no leading or trailing spaces, a word wider than a row is cut
 * between grapheme clusters and starts on the current row unless that costs an extra row. wrap-ansi
 * itself is not used: it measures every non-ASCII word with string-width again (about 19 µs a word),
 * which put a 20,000-word article with accented Latin or CJK text at 350-600 ms.
 */
export function wrapRanges(text: string, columns: number): Array<[number, number, number]> {
  const rows: Array<[number, number, number]> = [];
  let rowStart = 0;
  let rowEnd = 0;
  let rowWidth = 0;
  let rowOpen = false;
  const close = (): void => {
    rows.push([rowStart, rowEnd, rowWidth]);
    rowOpen = false;
    rowWidth = 0;
  };
  const open = (at: number): void => {
    rowStart = rowEnd = at;
    rowWidth = 0;
    rowOpen = true;
  };
  let i = 0;
  const n = text.length;
  let lineHasRow = false;
  while (i <= n) {
    const c = i < n ? text.charCodeAt(i) : 0x0a;
    if (c === 0x0a) {
      if (rowOpen) close();
      else if (!lineHasRow) rows.push([i, i, 0]);
      lineHasRow = false;
      i++;
      continue;
    }
    if (c === 0x20) {
      i++;
      continue;
    }
    // A word: up to the next space or newline.
    let j = i;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 0x20 || d === 0x0a) break;
      j++;
    }
    const word = text.slice(i, j);
    const w = widthOf(word);
    // The spaces between the row's last word and this one (the row range will include them).
    const gap = rowOpen ? i - rowEnd : 0;
    if (w > columns) {
      if (rowOpen) {
        const remaining = columns - rowWidth - gap;
        const breaksThisRow = 1 + Math.floor((w - remaining - 1) / columns);
        const breaksNextRow = Math.floor((w - 1) / columns);
        if (breaksNextRow < breaksThisRow) close();
      }
      if (!rowOpen) open(i);
      else rowWidth += gap;
      // Cut between clusters.
      let at = i;
      // One cluster per code unit unless COMPLEX (astral characters are COMPLEX).
      const pieces = COMPLEX.test(word) ? segmenter.segment(word) : null;
      const step = (cw: number, len: number): void => {
        if (rowWidth > 0 && rowWidth + cw > columns) {
          close();
          open(at);
        }
        at += len;
        rowEnd = at;
        rowWidth += cw;
      };
      if (pieces === null) {
        for (let k = 0; k < word.length; k++) {
          const c = word.charCodeAt(k);
          step(c >= 0x20 && c < 0x7f ? 1 : clusterWidth(word[k]!), 1);
        }
      } else {
        for (const { segment } of pieces) step(clusterWidth(segment), segment.length);
      }
      lineHasRow = true;
      i = j;
      continue;
    }
    if (rowOpen && w > 0 && rowWidth + gap + w > columns) close();
    if (!rowOpen) open(i);
    else rowWidth += gap;
    rowEnd = j;
    rowWidth += w;
    lineHasRow = true;
    i = j;
  }
  return rows;
}

/** Cut plain text (no ANSI) into chunks of at most `width` columns, between grapheme clusters. */
export function hardWrap(s: string, width: number): string[] {
  const w = Math.max(1, width);
  if (s === '') return [''];
  const chunks: string[] = [];
  if (ASCII_PRINTABLE.test(s)) {
    for (let i = 0; i < s.length; i += w) chunks.push(s.slice(i, i + w));
    return chunks;
  }
  let current = '';
  let col = 0;
  // One cluster per code unit unless COMPLEX (astral characters are COMPLEX).
  const clusters: Iterable<{ segment: string }> = COMPLEX.test(s) ? segmenter.segment(s) : Array.from(s, (segment) => ({ segment }));
  for (const { segment } of clusters) {
    const sw = clusterWidth(segment);
    if (col > 0 && col + sw > w) {
      chunks.push(current);
      current = '';
      col = 0;
    }
    current += segment;
    col += sw;
  }
  chunks.push(current);
  return chunks;
}

/** Expand tabs to TAB_SIZE stops, counting columns by visible width. */
export function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  const parts = line.split('\t');
  let out = '';
  let col = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    out += part;
    col += widthOf(part);
    if (i < parts.length - 1) {
      const pad = TAB_SIZE - (col % TAB_SIZE);
      out += ' '.repeat(pad);
      col += pad;
    }
  }
  return out;
}

/** Remove trailing ASCII spaces (a loop: a `/ +$/` regex backtracks quadratically on long space runs). */
export function trimEndSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x20) end--;
  return end === s.length ? s : s.slice(0, end);
}
