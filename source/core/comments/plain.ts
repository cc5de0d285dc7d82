/**
 * The `comments` plain-text output: the discussion as lines for a terminal or a pipe, each comment a
 * header and its wrapped text, indented by depth. Ages are the reader's (core/age.ts): "2d", "Mar 4".
 */
import { relativeAge } from '../age.js';
import { htmlToPlainText } from '../html.js';
import { wrapWithIndent } from './text.js';
import { flattenTree } from './thread.js';
import type { Discussion } from './types.js';

/** Indentation stops growing here (and at a third of the width), so deep threads keep room for text. */
export const MAX_INDENT_LEVELS = 12;

/**
 * The discussion as plain lines for a terminal or a pipe: each comment a header `author · age · score`
 * then its text, indented two spaces per level (capped), "N more replies" stubs, "[deleted]"
 * placeholders, orphans marked. No ANSI; every line fits `width` columns.
 */
export function commentsPlain(d: Discussion, width: number, options: { now?: number } = {}): string[] {
  const cols = Number.isFinite(width) ? Math.max(20, Math.floor(width)) : 80;
  const now = options.now ?? Date.now();
  const cap = Math.min(MAX_INDENT_LEVELS, Math.floor(cols / 3 / 2));
  const lines: string[] = [];
  for (const { comment: c, depth } of flattenTree(d.comments)) {
    const indent = '  '.repeat(Math.min(depth, cap));
    const avail = cols - indent.length;
    if (lines.length > 0) lines.push('');
    if (c.more !== undefined) {
      const label = c.more > 0 ? `${c.more} more ${c.more === 1 ? 'reply' : 'replies'}` : 'continue this thread';
      lines.push(...wrapWithIndent(`[${label}]`, indent, avail));
      continue;
    }
    const header: string[] = [];
    if (c.deleted) header.push(`[${c.placeholder ?? 'deleted'}]`);
    else header.push(c.author ? (c.isOp ? `${c.author} (OP)` : c.author) : 'anonymous');
    const age = relativeAge(c.published, now);
    if (age) header.push(age);
    if (c.score !== null) header.push(`${c.score} ${Math.abs(c.score) === 1 ? 'point' : 'points'}`);
    if (c.orphan) header.push('reply to an earlier comment');
    lines.push(...wrapWithIndent(header.join(' · '), indent, avail));
    if (c.deleted) continue;
    // No key opens a warning in a pipe: it is said, then the text follows.
    if (c.warning) lines.push(...wrapWithIndent(`CW: ${c.warning}`, indent, avail));
    for (const para of htmlToPlainText(c.html).split('\n')) lines.push(...wrapWithIndent(para, indent, avail));
  }
  return lines;
}
