/**
 * A search's matches marked in an article's lines: the lines are the renderer's, styled already, so
 * the matches are found in their visible text and the mark is put around the same characters of the
 * styled line. Pure.
 */
import { matchRanges, type SearchTerm } from '../../core/search-terms.js';

/** An SGR sequence, the only escape sequence the renderer writes (core/html.ts). */
const SGR = /\x1b\[[0-9;]*m/g;

export interface MarkedLines {
  lines: string[];
  /** The indexes of the lines that hold a match, in order. */
  matchLines: number[];
}

export function markMatches(lines: readonly string[], terms: readonly SearchTerm[], mark: (text: string) => string): MarkedLines {
  const matchLines: number[] = [];
  if (terms.length === 0) return { lines: [...lines], matchLines };
  const marked = lines.map((line, index) => {
    // The visible text, and for each of its characters where it stands in the styled line.
    let visible = '';
    const at: number[] = [];
    let last = 0;
    for (const m of line.matchAll(SGR)) {
      for (let i = last; i < m.index; i++) at.push(i);
      visible += line.slice(last, m.index);
      last = m.index + m[0].length;
    }
    for (let i = last; i < line.length; i++) at.push(i);
    visible += line.slice(last);
    at.push(line.length);
    const ranges = matchRanges(visible, terms);
    if (ranges.length === 0) return line;
    matchLines.push(index);
    let out = '';
    let from = 0;
    for (const [start, end] of ranges) {
      const a = at[start]!;
      const b = at[end - 1]! + 1;
      out += line.slice(from, a) + mark(line.slice(a, b));
      from = b;
    }
    return out + line.slice(from);
  });
  return { lines: marked, matchLines };
}
