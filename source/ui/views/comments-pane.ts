/**
 * The comments pane's lines: the header, then only the comments in view, each comment's lines built
 * once per width (and per collapsed or loading state) and kept until the discussion changes.
 */
import type { ChalkInstance } from 'chalk';
import type { Comment, Discussion } from '../../core/comments.js';
import { sourceName } from '../../core/discussions.js';
import { isRevealed, type CommentTree } from '../state/comment-tree.js';
import { commentLines } from './comment-lines.js';
import { fit } from '../format.js';
import type { Paint } from '../theme.js';

export interface PaneLook {
  paint?: Paint;
  chalk?: ChalkInstance;
  color?: boolean;
}

export interface RowState {
  now: number;
  isNew: (c: Comment) => boolean;
  /** What Enter does on a 'more' stub, when it does something here. */
  moreHint: (c: Comment) => string | undefined;
  /** The keys the lines name, as bound. */
  keys: { open: string; fold: string };
}

/** The header: the article's discussions (state/discussion-list.ts), then the one shown and its state. */
export function paneHeader(
  list: readonly string[],
  shown: {
    discussion: Discussion | undefined;
    /** What the source held back (replies left on the server), one line. */
    notice: string | undefined;
    newCount: number;
    newKey: string;
    claimed: number | null;
    loading: boolean;
    retrying: string | undefined;
    error: string | undefined;
  },
): string[] {
  const { discussion: d } = shown;
  const lines = [...list];
  if (d) {
    const fresh = shown.newCount > 0 ? ` · ${shown.newCount} new (${shown.newKey} jumps)` : '';
    const where = sourceName(d.source === 'feed' ? 'site' : d.source);
    // A comment feed holds only the newest comments: when the posts feed counts more, say both.
    const count =
      d.source === 'feed' && shown.claimed !== null && shown.claimed > d.total
        ? `${d.total} of ${shown.claimed} comments in the feed`
        : `${d.total} comment${d.total === 1 ? '' : 's'} on ${where}`;
    lines.push(`${count}${fresh}${shown.loading ? ' · updating…' : ''}`);
    if (shown.notice) lines.push(shown.notice);
  } else if (shown.loading) lines.push(shown.retrying ? `Retrying ${shown.retrying}…` : 'Loading the discussion…');
  if (shown.error) lines.push(shown.error);
  lines.push('');
  return lines;
}

const identity = (s: string) => s;
const plainPaint = new Proxy({}, { get: () => identity }) as Paint;
const plainChalk = new Proxy(identity, { get: () => identity }) as unknown as ChalkInstance;
// The selected header is redrawn inverted as a whole: drop its own colours first.
const stripped = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

export class PaneLines {
  private cache = new Map<string, string[]>();
  width = 80;

  constructor(private look: PaneLook) {}

  clear() {
    this.cache.clear();
  }

  resize(width: number) {
    if (width === this.width) return;
    this.width = width;
    this.cache.clear();
  }

  row(tree: CommentTree, index: number, state: RowState): string[] {
    const row = tree.rows[index];
    if (!row) return [];
    const hint = row.comment.more !== undefined ? state.moreHint(row.comment) : undefined;
    const open = row.comment.warning !== undefined && isRevealed(tree, row.comment.id);
    const key = `${row.comment.id}|${this.width}|${row.hidden}|${hint ?? ''}|${open}`;
    let lines = this.cache.get(key);
    if (!lines) {
      if (this.cache.size > 5000) this.cache.clear();
      lines = commentLines(
        row,
        this.width,
        {
          paint: this.look.paint ?? plainPaint,
          chalk: this.look.chalk ?? plainChalk,
          color: this.look.color ?? false,
          now: state.now,
          isNew: state.isNew(row.comment),
          keys: state.keys,
          ...(hint !== undefined ? { moreHint: hint } : {}),
        },
        open,
      );
      this.cache.set(key, lines);
    }
    return lines;
  }

  /** Exactly the lines on screen: the header, then the comments in view from the tree's viewport. */
  render(header: readonly string[], tree: CommentTree | undefined, height: number, state: RowState): string[] {
    const width = this.width;
    const out = header.map((l) => fit(l, width));
    if (!tree || tree.rows.length === 0) {
      if (tree) out.push('No comments yet.');
      return out;
    }
    const paint = this.look.paint ?? plainPaint;
    for (let i = tree.top, skip = tree.topLine; i < tree.rows.length && out.length < height; i++, skip = 0) {
      const lines = this.row(tree, i, state);
      for (let j = skip; j < lines.length && out.length < height; j++) {
        out.push(i === tree.cursor && j === 0 ? paint.selected(fit(stripped(lines[j]!), width)) : lines[j]!);
      }
    }
    return out;
  }
}
