/**
 * The comments pane as pure state: which comments are visible (collapsed subtrees hidden), which one
 * has the cursor, and where the viewport starts. Comments have different heights, so the viewport
 * is a row plus a line within it, and every function that scrolls is given the rows' heights.
 * All walks are iterative and linear: a 3,000-comment thread, 12 deep, stays within a frame.
 */
import type { Comment } from '../../core/comments.js';

export interface TreeRow {
  comment: Comment;
  depth: number;
  /** Row index of the parent among the visible rows, -1 at the top level. */
  parent: number;
  /** Replies hidden under this row when it is collapsed, else 0. */
  hidden: number;
}

export interface CommentTree {
  roots: readonly Comment[];
  /** Descendant counts by comment id, computed once per discussion. */
  descendants: ReadonlyMap<string, number>;
  collapsed: ReadonlySet<string>;
  rows: TreeRow[];
  cursor: number;
  /** The first visible row and how many of its lines are scrolled off the top. */
  top: number;
  topLine: number;
  /** Comments whose content warning has been opened. */
  revealed?: ReadonlySet<string>;
}

export type HeightOf = (row: number) => number;

export function createTree(roots: readonly Comment[], collapsed: ReadonlySet<string> = new Set()): CommentTree {
  const descendants = countDescendants(roots);
  return { roots, descendants, collapsed, rows: visibleRows(roots, collapsed, descendants), cursor: 0, top: 0, topLine: 0 };
}

function countDescendants(roots: readonly Comment[]): Map<string, number> {
  const counts = new Map<string, number>();
  // Post-order without recursion: push each node twice, count on the second visit.
  const stack: [Comment, boolean][] = roots.map((c) => [c, false]);
  while (stack.length) {
    const [node, done] = stack.pop()!;
    if (done) {
      let n = 0;
      for (const child of node.children) n += 1 + (counts.get(child.id) ?? 0);
      counts.set(node.id, n);
    } else {
      stack.push([node, true]);
      for (const child of node.children) stack.push([child, false]);
    }
  }
  return counts;
}

function visibleRows(roots: readonly Comment[], collapsed: ReadonlySet<string>, descendants: ReadonlyMap<string, number>): TreeRow[] {
  const rows: TreeRow[] = [];
  const stack: { comment: Comment; depth: number; parent: number }[] = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ comment: roots[i]!, depth: 0, parent: -1 });
  while (stack.length) {
    const { comment, depth, parent } = stack.pop()!;
    const isCollapsed = collapsed.has(comment.id) && comment.children.length > 0;
    const index = rows.length;
    rows.push({ comment, depth, parent, hidden: isCollapsed ? (descendants.get(comment.id) ?? 0) : 0 });
    if (isCollapsed) continue;
    for (let i = comment.children.length - 1; i >= 0; i--) stack.push({ comment: comment.children[i]!, depth: depth + 1, parent: index });
  }
  return rows;
}

/** Rebuild the visible rows under a new collapsed set, keeping the cursor on the same comment. */
function withCollapsed(t: CommentTree, collapsed: ReadonlySet<string>, cursorId: string | undefined): CommentTree {
  const rows = visibleRows(t.roots, collapsed, t.descendants);
  let cursor = cursorId === undefined ? 0 : rows.findIndex((r) => r.comment.id === cursorId);
  if (cursor < 0) cursor = 0;
  return { ...t, collapsed, rows, cursor, top: Math.min(t.top, cursor), topLine: 0 };
}

export const currentRow = (t: CommentTree): TreeRow | undefined => t.rows[t.cursor];

/** Collapse or expand the comment under the cursor (a comment without replies does nothing). */
export function toggle(t: CommentTree): CommentTree {
  const row = currentRow(t);
  if (!row || row.comment.children.length === 0) return t;
  const collapsed = new Set(t.collapsed);
  if (collapsed.has(row.comment.id)) collapsed.delete(row.comment.id);
  else collapsed.add(row.comment.id);
  return withCollapsed(t, collapsed, row.comment.id);
}

/**
 * Space: a comment behind a content warning that is still shut opens it; any other comment collapses
 * or expands its replies (`toggle`).
 */
export function toggleOrReveal(t: CommentTree): CommentTree {
  const row = currentRow(t);
  if (!row?.comment.warning || t.revealed?.has(row.comment.id)) return toggle(t);
  return { ...t, revealed: new Set([...(t.revealed ?? []), row.comment.id]) };
}

export const isRevealed = (t: CommentTree, id: string): boolean => t.revealed?.has(id) ?? false;

/** `C`: every top-level thread folded to its first comment; the cursor goes to its thread. */
export function collapseAll(t: CommentTree): CommentTree {
  const top = topAncestor(t, t.cursor);
  const id = t.rows[top]?.comment.id;
  const collapsed = new Set(t.roots.filter((c) => c.children.length > 0).map((c) => c.id));
  return withCollapsed(t, collapsed, id);
}

export function expandAll(t: CommentTree): CommentTree {
  return withCollapsed(t, new Set(), currentRow(t)?.comment.id);
}

function topAncestor(t: CommentTree, index: number): number {
  let i = index;
  while (i >= 0 && t.rows[i] && t.rows[i]!.parent >= 0) i = t.rows[i]!.parent;
  return Math.max(0, i);
}

export type Move = 'next' | 'prev' | 'parent' | 'next-sibling' | 'prev-sibling' | 'next-thread' | 'prev-thread' | 'first' | 'last';

/** Where the cursor goes for a move; the same index when there is nowhere to go. */
export function target(t: CommentTree, move: Move): number {
  const { rows, cursor } = t;
  const row = rows[cursor];
  if (!row) return cursor;
  switch (move) {
    case 'next':
      return Math.min(cursor + 1, rows.length - 1);
    case 'prev':
      return Math.max(cursor - 1, 0);
    case 'first':
      return 0;
    case 'last':
      return rows.length - 1;
    case 'parent':
      return row.parent >= 0 ? row.parent : cursor;
    case 'next-sibling':
      for (let i = cursor + 1; i < rows.length; i++) {
        if (rows[i]!.depth < row.depth) break;
        if (rows[i]!.depth === row.depth) return i;
      }
      return cursor;
    case 'prev-sibling':
      for (let i = cursor - 1; i >= 0; i--) {
        if (rows[i]!.depth < row.depth) break;
        if (rows[i]!.depth === row.depth) return i;
      }
      return cursor;
    case 'next-thread':
      for (let i = cursor + 1; i < rows.length; i++) if (rows[i]!.depth === 0) return i;
      return cursor;
    case 'prev-thread': {
      if (row.depth > 0) return topAncestor(t, cursor);
      for (let i = cursor - 1; i >= 0; i--) if (rows[i]!.depth === 0) return i;
      return cursor;
    }
  }
}

/** The next row after the cursor that `matches`, round to the top; the cursor's own when none. */
export function nextWhere(t: CommentTree, matches: (row: TreeRow) => boolean): number {
  const n = t.rows.length;
  for (let step = 1; step <= n; step++) {
    const i = (t.cursor + step) % n;
    if (matches(t.rows[i]!)) return i;
  }
  return t.cursor;
}

/** Put the cursor on `index` and scroll the least needed to show that comment's start (and as much of it as fits). */
export function moveTo(t: CommentTree, index: number, viewHeight: number, heightOf: HeightOf): CommentTree {
  const cursor = Math.min(Math.max(0, index), Math.max(0, t.rows.length - 1));
  return reveal({ ...t, cursor }, viewHeight, heightOf);
}

/**
 * After the rows changed under the viewport (a fold, `C`, `E`, a resize): keep the cursor's comment in
 * view and fill the pane. A viewport left where it was showed only the last collapsed thread and an
 * empty pane below it, although every thread fitted (issue 13).
 */
export function settle(t: CommentTree, viewHeight: number, heightOf: HeightOf): CommentTree {
  const shown = reveal(t, viewHeight, heightOf);
  let { top, topLine } = shown;
  // Lines from the viewport's start to the end of the discussion, counted only as far as the pane.
  let below = heightOf(top) - topLine;
  for (let i = top + 1; i < t.rows.length && below < viewHeight; i++) below += heightOf(i);
  if (below >= viewHeight) return shown;
  // Room at the bottom: scroll up until the pane is full or the first line is in view.
  below += topLine;
  topLine = 0;
  while (top > 0 && below + heightOf(top - 1) <= viewHeight) below += heightOf(--top);
  if (top > 0 && below < viewHeight) {
    top--;
    topLine = heightOf(top) - (viewHeight - below);
  }
  return top === t.top && topLine === t.topLine ? shown : { ...shown, top, topLine };
}

function reveal(t: CommentTree, viewHeight: number, heightOf: HeightOf): CommentTree {
  const { cursor } = t;
  let { top, topLine } = t;
  if (cursor < top || (cursor === top && topLine > 0)) return { ...t, top: cursor, topLine: 0 };
  // Lines from the viewport's start to the end of the cursor's comment.
  let used = heightOf(top) - topLine;
  for (let i = top + 1; i <= cursor; i++) used += heightOf(i);
  while (used > viewHeight && top < cursor) {
    used -= heightOf(top) - topLine;
    top++;
    topLine = 0;
  }
  return top === t.top && topLine === t.topLine && cursor === t.cursor ? t : { ...t, top, topLine };
}

/**
 * `j`: the next comment — unless the current one runs past the bottom of the pane, in which case
 * scroll through it first, so a long comment can be read to its end.
 */
export function down(t: CommentTree, viewHeight: number, heightOf: HeightOf): CommentTree {
  const below = linesBelowView(t, viewHeight, heightOf);
  if (below > 0) return scrollLines(t, Math.min(below, Math.max(1, viewHeight - 2)), heightOf);
  return moveTo(t, target(t, 'next'), viewHeight, heightOf);
}

/** How many lines of the cursor's comment are below the pane. */
function linesBelowView(t: CommentTree, viewHeight: number, heightOf: HeightOf): number {
  if (t.cursor < t.top) return 0;
  let end = heightOf(t.top) - t.topLine;
  for (let i = t.top + 1; i <= t.cursor; i++) end += heightOf(i);
  return Math.max(0, end - viewHeight);
}

/** Scroll the viewport by lines (positive: down), leaving the cursor where it is. */
export function scrollLines(t: CommentTree, by: number, heightOf: HeightOf): CommentTree {
  let { top, topLine } = t;
  let left = by;
  while (left > 0 && top < t.rows.length) {
    const rest = heightOf(top) - topLine;
    if (left < rest) {
      topLine += left;
      left = 0;
    } else if (top < t.rows.length - 1) {
      left -= rest;
      top++;
      topLine = 0;
    } else break;
  }
  while (left < 0 && (top > 0 || topLine > 0)) {
    if (topLine > 0) {
      const step = Math.min(topLine, -left);
      topLine -= step;
      left += step;
    } else {
      top--;
      topLine = heightOf(top);
    }
  }
  return { ...t, top, topLine };
}

/** Apply a remembered collapsed set to a reloaded discussion. */
export function restore(roots: readonly Comment[], collapsed: ReadonlySet<string>, cursorId?: string): CommentTree {
  const t = createTree(roots, collapsed);
  const cursor = cursorId ? t.rows.findIndex((r) => r.comment.id === cursorId) : 0;
  return { ...t, cursor: Math.max(0, cursor), top: Math.max(0, cursor) };
}
