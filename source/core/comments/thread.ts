/**
 * Flat comments with parent ids -> a tree. Pure, and iterative throughout: a hostile or merely deep
 * thread (10,000 levels) must not overflow the call stack, and a cycle must neither hang nor lose comments.
 *
 * Rules:
 * - Order: 'source' keeps the order given (HN, Reddit, Lobsters send display order). 'chronological'
 *   puts the oldest first, as WordPress shows comments on the page, although its feeds list them newest
 *   first. Siblings, top-level comments and orphans all follow that one order.
 * - An orphan (its parent id is not in the window, e.g. beyond WordPress's newest-10 feed cap) stays at
 *   top level in its place, marked `orphan: true` ("reply to an earlier comment"), never dropped.
 * - A deleted comment with replies stays as a `[deleted]` placeholder (author, html, score emptied); one
 *   without replies (after its own deleted replies are gone) is dropped. A 'more' stub counts as a reply.
 * - Self-parenting: treated as top level. A cycle (A->B->A): the first member in order becomes top level.
 *   Either way the parent id is cleared, so the stored flat form rebuilds to the same tree.
 * - Duplicate ids (paged feeds that overlap): the first occurrence wins.
 */
import { sanitizeLine } from '../sanitize.js';
import type { Comment, FlatComment } from './types.js';

export interface ThreadOptions {
  order?: 'source' | 'chronological';
  /** Default true: drop deleted comments without replies and blank the ones kept. */
  pruneDeleted?: boolean;
}

/** Anything sanitizeLine would change in an id (controls, bidi, zero-width, whitespace). */
const UNSAFE_ID = /[\x00-\x20\x7f-\x9f\u00a0\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

export function buildThread(input: readonly FlatComment[], options: ThreadOptions = {}): Comment[] {
  // Ids come from the source too, and reach `comments --json`: every adapter's ids pass the sanitizer
  // here, parents alike, so threading still matches.
  const flat = input.map((c) =>
    UNSAFE_ID.test(c.id) || (c.parentId !== null && UNSAFE_ID.test(c.parentId))
      ? { ...c, id: sanitizeLine(c.id), parentId: c.parentId === null ? null : sanitizeLine(c.parentId) }
      : c,
  );
  const seen = new Set<string>();
  let list: FlatComment[] = [];
  for (const c of flat) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    list.push(c);
  }
  if (options.order === 'chronological') list = chronological(list);

  const nodes: Comment[] = list.map((c) => ({ ...c, orphan: false, children: [] }));
  const index = new Map<string, number>();
  for (const [i, n] of nodes.entries()) index.set(n.id, i);

  // parent[i]: index of the parent node, or -1 for top level.
  const parent = new Int32Array(nodes.length).fill(-1);
  nodes.forEach((n, i) => {
    if (n.parentId === null) return;
    const p = index.get(n.parentId);
    if (p === undefined) n.orphan = true;
    else if (p === i) n.parentId = null;
    else parent[i] = p;
  });

  // Break cycles: walk each chain up once; 1 = on the current walk, 2 = known to reach the top.
  const state = new Uint8Array(nodes.length);
  const path: number[] = [];
  for (let i = 0; i < nodes.length; i++) {
    path.length = 0;
    let cur = i;
    while (cur !== -1 && state[cur] === 0) {
      state[cur] = 1;
      path.push(cur);
      cur = parent[cur]!;
    }
    if (cur !== -1 && state[cur] === 1) {
      // The cycle is path[from..]: detach its earliest member (lowest index = first in order).
      const from = path.indexOf(cur);
      let first = cur;
      for (let k = from; k < path.length; k++) first = Math.min(first, path[k]!);
      parent[first] = -1;
      nodes[first]!.parentId = null;
    }
    for (const k of path) state[k] = 2;
  }

  const roots: Comment[] = [];
  nodes.forEach((n, i) => {
    const p = parent[i]!;
    if (p === -1) roots.push(n);
    else nodes[p]!.children.push(n);
  });

  if (options.pruneDeleted === false) return roots;
  return pruneDeleted(roots);
}

/** Drop deleted comments without replies (bottom-up), blank the ones kept. */
function pruneDeleted(roots: Comment[]): Comment[] {
  const order = preorder(roots);
  const dropped = new Set<Comment>();
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!;
    if (node.children.some((c) => dropped.has(c))) node.children = node.children.filter((c) => !dropped.has(c));
    if (!node.deleted) continue;
    if (node.children.length === 0 && node.more === undefined) dropped.add(node);
    else {
      node.author = '';
      node.html = '';
      node.score = null;
      delete node.isOp;
    }
  }
  return dropped.size === 0 ? roots : roots.filter((c) => !dropped.has(c));
}

function chronological(list: FlatComment[]): FlatComment[] {
  const times = list.map((c) => (c.published ? Date.parse(c.published) : Number.NaN));
  const dated = times.filter((t) => Number.isFinite(t));
  // Which way does the source run? WordPress: newest first. Used for ties and for undated comments.
  const descending = dated.length >= 2 && dated[0]! > dated[dated.length - 1]!;
  if (dated.length === list.length) {
    const idx = list.map((_, i) => i);
    idx.sort((a, b) => times[a]! - times[b]! || (descending ? b - a : a - b));
    return idx.map((i) => list[i]!);
  }
  // Some dates missing: a consistent sort is impossible, so only undo a newest-first source order.
  return descending ? [...list].reverse() : list;
}

/** Every comment, parents before children, siblings in order (iterative). */
export function preorder(roots: readonly Comment[]): Comment[] {
  const out: Comment[] = [];
  const stack: Comment[] = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push(roots[i]!);
  while (stack.length > 0) {
    const node = stack.pop()!;
    out.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return out;
}

export interface FlatEntry {
  comment: Comment;
  /** 0 for top level. */
  depth: number;
}

/**
 * The tree as display rows: parents before children, with depth (iterative). `collapsed` ids keep
 * their own row but hide their replies.
 */
export function flattenTree(roots: readonly Comment[], collapsed?: ReadonlySet<string>): FlatEntry[] {
  const out: FlatEntry[] = [];
  const stack: FlatEntry[] = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ comment: roots[i]!, depth: 0 });
  while (stack.length > 0) {
    const entry = stack.pop()!;
    out.push(entry);
    const { comment, depth } = entry;
    if (collapsed?.has(comment.id)) continue;
    for (let i = comment.children.length - 1; i >= 0; i--) stack.push({ comment: comment.children[i]!, depth: depth + 1 });
  }
  return out;
}

/**
 * Comments in a tree, iteratively. Stubs ('more') are never counted; deleted placeholders only with
 * `includeDeleted`.
 */
export function countComments(roots: readonly Comment[], options: { includeDeleted?: boolean } = {}): number {
  let n = 0;
  for (const c of preorder(roots)) {
    if (c.more !== undefined) continue;
    if (c.deleted && !options.includeDeleted) continue;
    n++;
  }
  return n;
}

/** The tree back to its flat form (preorder, no children): what the cache stores. */
export function toFlat(roots: readonly Comment[]): FlatComment[] {
  return preorder(roots).map(({ children: _children, ...rest }) => rest);
}
