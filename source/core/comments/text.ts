/** Plain-text wrapping for commentsPlain. */
import wrapAnsi from 'wrap-ansi';

/** `text` wrapped to `width` columns (hard: long words are cut), each line prefixed by `indent`. */
export function wrapWithIndent(text: string, indent: string, width: number): string[] {
  if (text.trim() === '') return [''];
  return wrapAnsi(text, Math.max(1, width), { hard: true, trim: true })
    .split('\n')
    .map((line) => (line === '' ? '' : indent + line));
}
