/**
 * One comment as terminal lines: a header (author, age, score, OP, orphan/deleted marks, replies
 * hidden when collapsed), then the body through the article renderer, all behind one coloured rail
 * per depth level. Indentation is capped so the text column never gets narrower than 40 columns;
 * deeper levels keep the colour of their own depth.
 */
import type { ChalkInstance } from 'chalk';
import { renderHtml } from '../../core/html.js';
import type { TreeRow } from '../state/comment-tree.js';
import stringWidth from 'string-width';
import { clip, relativeAge } from '../format.js';
import { RAIL_COLOURS, type Paint } from '../theme.js';

export const MIN_TEXT_WIDTH = 40;

export interface CommentStyle {
  paint: Paint;
  chalk: ChalkInstance;
  color: boolean;
  now: number;
  /** Published since the reader's last visit to this discussion. */
  isNew?: boolean;
  /** What Enter does on a 'more' stub here (Reddit loads them); absent: the open key opens its page. */
  moreHint?: string;
  /** The keys the lines name, as bound: open in the browser, and fold (which opens a content warning). */
  keys?: { open: string; fold: string };
}

/** How many levels may indent at this width: each level costs two columns. */
export function indentLevels(width: number): number {
  return Math.max(0, Math.floor((width - MIN_TEXT_WIDTH) / 2));
}

function rails(depth: number, width: number, chalk: ChalkInstance): string {
  const levels = Math.min(depth, indentLevels(width));
  let out = '';
  for (let level = 1; level <= levels; level++) {
    // Past the cap the last rail takes the colour of the real depth, so levels stay distinguishable.
    const colourDepth = level === levels ? depth : level;
    out += chalk[RAIL_COLOURS[(colourDepth - 1) % RAIL_COLOURS.length]!]('│ ');
  }
  return out;
}

/**
 * The lines of one comment (the last one blank, as a separator), the header first. A comment behind a
 * content warning shows the warning on one line until `warningOpen`, then the warning and its body.
 */
export function commentLines(row: TreeRow, width: number, style: CommentStyle, warningOpen = false): string[] {
  const { comment, depth, hidden } = row;
  const { paint } = style;
  const prefix = rails(depth, width, style.chalk);
  const textWidth = Math.max(10, width - 2 * Math.min(depth, indentLevels(width)));
  if (comment.more !== undefined) {
    const label = comment.more > 0 ? `${comment.more} more repl${comment.more === 1 ? 'y' : 'ies'}` : 'continue this thread';
    const hint = style.moreHint ?? (comment.permalink ? `${style.keys?.open ?? 'o'} opens it` : '');
    return [prefix + paint.age(`[${label}]${hint ? ` — ${hint}` : ''}`), prefix];
  }
  const parts: string[] = [];
  if (comment.deleted) parts.push(paint.read(`[${comment.placeholder ?? 'deleted'}]`));
  else parts.push(paint.author(comment.author || 'anonymous'));
  if (comment.isOp) parts.push(paint.op('OP'));
  if (style.isNew) parts.push(paint.unread('new'));
  const age = relativeAge(comment.published, style.now);
  if (age) parts.push(paint.age(age));
  if (comment.score !== null) parts.push(paint.score(`${comment.score} point${comment.score === 1 ? '' : 's'}`));
  if (comment.orphan) parts.push(paint.age('↳ reply to an earlier comment'));
  if (hidden) parts.push(paint.comments(`[+] ${hidden} repl${hidden === 1 ? 'y' : 'ies'} hidden`));
  const header = headerLines(parts, paint.age(' · '), textWidth).map((line) => prefix + line);
  if (hidden || comment.deleted) return [...header, prefix];
  if (comment.warning) {
    const line = renderHtml(`<p>CW: ${escapeHtml(comment.warning)}${warningOpen ? '' : ` [${style.keys?.fold ?? 'Space'} shows it]`}</p>`, {
      width: textWidth,
      color: false,
    }).lines;
    const cw = line.map((l) => prefix + paint.age(l));
    if (!warningOpen) return [...header, ...cw, prefix];
    return [...header, ...cw, ...bodyLines(comment.html, textWidth, style, comment.permalink).map((l) => prefix + l), prefix];
  }
  const body = bodyLines(comment.html, textWidth, style, comment.permalink);
  return [...header, ...body.map((line) => prefix + line), prefix];
}

/**
 * The header's parts joined by " · ", continued on a second line rather than cut: "[+] 4 replies
 * hidden" at its end must show in full.
 */
function headerLines(parts: string[], separator: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    const next = line ? line + separator + part : part;
    if (line && stringWidth(next) > width) {
      lines.push(line);
      line = part;
    } else line = next;
  }
  lines.push(line);
  return lines.map((l) => clip(l, width));
}

function bodyLines(html: string, width: number, style: CommentStyle, permalink: string): string[] {
  // Without colour (NO_COLOR) a comment keeps its bold, italics and links' underline.
  return renderHtml(html, { width, color: style.color || 'mono', baseUrl: permalink || undefined }).lines;
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
