import { describe, expect, it } from 'vitest';
import { buildThread, countComments, flattenTree, preorder, toFlat } from '../../source/core/comments/thread.js';
import type { Comment, FlatComment } from '../../source/core/comments/types.js';

const c = (id: string, parentId: string | null, extra: Partial<FlatComment> = {}): FlatComment => ({
  id,
  parentId,
  author: `author-${id}`,
  published: null,
  html: `<p>${id}</p>`,
  score: null,
  deleted: false,
  permalink: '',
  ...extra,
});

/** A compact picture of a tree: "a(b(c),d)". Orphans get a leading "~", deleted a leading "x". */
function shape(roots: readonly Comment[]): string {
  const one = (n: Comment): string => `${n.orphan ? '~' : ''}${n.deleted ? 'x' : ''}${n.id}${n.children.length ? `(${n.children.map(one).join(',')})` : ''}`;
  return roots.map(one).join(',');
}

describe('buildThread', () => {
  it('nests by parent id and keeps the source order', () => {
    const tree = buildThread([c('a', null), c('b', 'a'), c('c', null), c('d', 'a'), c('e', 'b')]);
    expect(shape(tree)).toBe('a(b(e),d),c');
    expect(tree[0]!.orphan).toBe(false);
  });

  it('keeps orphans at top level, marked, in their place', () => {
    const tree = buildThread([c('a', null), c('b', 'gone'), c('c', 'a'), c('d', null)]);
    expect(shape(tree)).toBe('a(c),~b,d');
    expect(tree[1]!.parentId).toBe('gone');
  });

  it('orders chronologically, oldest first, for newest-first feeds (WordPress)', () => {
    const t = (h: number) => new Date(Date.UTC(2024, 0, 16, h)).toISOString();
    const newestFirst = [
      c('6', '2', { published: t(12) }),
      c('5', '1', { published: t(11) }), // orphan: #1 is beyond the feed window
      c('4', '3', { published: t(10) }),
      c('3', '2', { published: t(9) }),
      c('2', null, { published: t(8) }),
    ];
    expect(shape(buildThread(newestFirst, { order: 'chronological' }))).toBe('2(3(4),6),~5');
    expect(shape(buildThread(newestFirst))).toBe('~5,2(6,3(4))');
  });

  it('reverses an undated newest-first list only when the dated ones say so', () => {
    const t = (h: number) => new Date(Date.UTC(2024, 0, 1, h)).toISOString();
    const list = [c('c', null, { published: t(3) }), c('b', null), c('a', null, { published: t(1) })];
    expect(shape(buildThread(list, { order: 'chronological' }))).toBe('a,b,c');
    const undated = [c('x', null), c('y', null)];
    expect(shape(buildThread(undated, { order: 'chronological' }))).toBe('x,y');
  });

  it('keeps deleted comments with replies as blank placeholders and drops the others', () => {
    const tree = buildThread([
      c('a', null, { deleted: true, author: 'ghost', html: '<p>gone</p>', score: 3, isOp: true }),
      c('b', 'a'),
      c('c', null, { deleted: true }), // no replies: dropped
      c('d', null, { deleted: true }), // only deleted replies without replies: dropped with them
      c('e', 'd', { deleted: true }),
      c('f', 'e', { deleted: true }),
      c('g', null, { deleted: true }), // its reply is a 'more' stub: kept
      c('more-g', 'g', { more: 4, author: '', html: '' }),
    ]);
    expect(shape(tree)).toBe('xa(b),xg(more-g)');
    expect(tree[0]).toMatchObject({ author: '', html: '', deleted: true, score: null });
    expect(tree[0]!.isOp).toBeUndefined();
    expect(countComments(tree)).toBe(1);
    expect(countComments(tree, { includeDeleted: true })).toBe(3);
  });

  it('survives self-parenting and cycles without losing a comment', () => {
    const list = [c('a', 'b'), c('b', 'c'), c('c', 'a'), c('d', 'd'), c('e', 'b'), c('f', 'e')];
    const tree = buildThread(list);
    expect(
      preorder(tree)
        .map((n) => n.id)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    // The cycle a->b->c->a is cut at its first member, a; d (its own parent) is top level.
    expect(shape(tree)).toBe('a(c(b(e(f)))),d');
    expect(tree.every((n) => n.parentId === null && !n.orphan)).toBe(true);
  });

  it('drops repeated ids (overlapping pages), first wins', () => {
    const tree = buildThread([c('a', null, { html: 'first' }), c('a', null, { html: 'second' }), c('b', 'a')]);
    expect(shape(tree)).toBe('a(b)');
    expect(tree[0]!.html).toBe('first');
  });

  it('handles a 10,000-deep chain without recursion', () => {
    const n = 10_000;
    const list = Array.from({ length: n }, (_, i) => c(`n${i}`, i === 0 ? null : `n${i - 1}`));
    const tree = buildThread(list);
    const rows = flattenTree(tree);
    expect(rows).toHaveLength(n);
    expect(rows[n - 1]!.depth).toBe(n - 1);
    expect(countComments(tree)).toBe(n);
    // Reversed input (children before parents) and a deep deleted chain ending in a live comment.
    const reversed = buildThread([...list].reverse());
    expect(countComments(reversed)).toBe(n);
    const deletedChain = list.map((x, i) => (i < n - 1 ? { ...x, deleted: true } : x));
    expect(countComments(buildThread(deletedChain), { includeDeleted: true })).toBe(n);
    // A 10,000-long cycle.
    const cycle = list.map((x, i) => ({ ...x, parentId: `n${(i + n - 1) % n}` }));
    expect(flattenTree(buildThread(cycle))).toHaveLength(n);
  });

  it('round-trips through its flat form (what the cache stores)', () => {
    const tree = buildThread([c('a', null), c('b', 'a'), c('o', 'gone'), c('x', null, { deleted: true }), c('y', 'x'), c('z', 'z')]);
    const again = buildThread(toFlat(tree), { order: 'source', pruneDeleted: false });
    expect(shape(again)).toBe(shape(tree));
    expect(again).toEqual(tree);
  });

  it('flattenTree hides the replies of collapsed comments', () => {
    const tree = buildThread([c('a', null), c('b', 'a'), c('c', 'b'), c('d', null)]);
    expect(flattenTree(tree).map((r) => `${r.comment.id}${r.depth}`)).toEqual(['a0', 'b1', 'c2', 'd0']);
    expect(flattenTree(tree, new Set(['a'])).map((r) => r.comment.id)).toEqual(['a', 'd']);
  });
});
