/** Plain-text wrapping for commentsPlain. */
import { wrapText } from '../html.js';

/** `text` wrapped to `width` columns (hard: long words are cut), each line prefixed by `indent`. */
export function wrapWithIndent(text: string, indent: string, width: number): string[] {
  if (text.trim() === '') return [''];
  return wrapText(text, width).map((line) => (line === '' ? '' : indent + line));
}
