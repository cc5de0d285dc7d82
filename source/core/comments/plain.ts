/**
 * The `comments` plain-text output: the discussion as lines for a terminal or a pipe, each comment a
 * header and its wrapped text, indented by depth.
 */
import { htmlToPlainText } from '../html.js';
import { wrapWithIndent } from './text.js';
import { flattenTree } from './thread.js';
import type { Discussion } from './types.js';

/** "5m ago", "3h ago", "2d ago", "4mo ago", "1y ago"; '' for no date. */
export function ageLabel(published: string | null, now: number = Date.now()): string {
  if (!published) return '';
  const t = Date.parse(published);
  if (!Number.isFinite(t)) return '';
  const sec = Math.max(0, Math.round((now - t) / 1000));
  if (sec < 60) return 'just now';
  const units: Array<[number, string]> = [
    [365 * 86400, 'y'],
    [30 * 86400, 'mo'],
    [86400, 'd'],
    [3600, 'h'],
    [60, 'm'],
  ];
  for (const [size, unit] of units) if (sec >= size) return `${Math.floor(sec / size)}${unit} ago`;
  return 'just now';
}

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
    const age = ageLabel(c.published, now);
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
